import TKInterventions

/// A spec's values, checked against the method's declarations, with the declared defaults filled
/// in: what a method's builder reads. Asking for a name the method does not declare is a
/// programming error, not bad input.
public struct MethodArguments: Sendable {
    public let spec: InterventionSpec
    public let descriptor: MethodDescriptor

    func parameter(_ name: String) -> MethodParameter {
        guard let p = descriptor.parameters.first(where: { $0.name == name }) else {
            preconditionFailure("\(descriptor.name) declares no parameter '\(name)'")
        }
        return p
    }

    /// The written value, else the declared default; nil when neither exists.
    public func string(_ name: String) -> String? {
        spec.parameters[name] ?? parameter(name).defaultValue
    }

    public func isSet(_ name: String) -> Bool { spec.parameters[name] != nil }

    public func double(_ name: String) -> Double {
        guard let text = string(name), let v = Double(text) else { preconditionFailure("\(descriptor.name).\(name) has no numeric value") }
        return v
    }

    public func int(_ name: String) -> Int {
        guard let text = string(name), let v = Int(text) else { preconditionFailure("\(descriptor.name).\(name) has no whole-number value") }
        return v
    }

    public func bool(_ name: String) -> Bool {
        guard let text = string(name), let v = Self.boolean(text) else { preconditionFailure("\(descriptor.name).\(name) has no boolean value") }
        return v
    }

    /// A choice or keyword, lower-cased.
    public func word(_ name: String) -> String? { string(name)?.lowercased() }

    /// Layer numbers written as a list; nil when the value is a keyword or absent.
    public func layerList(_ name: String) -> [Int]? {
        guard let text = string(name) else { return nil }
        if case .layers(let keywords) = parameter(name).kind, keywords.contains(text.lowercased()) { return nil }
        return text.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
    }

    static func boolean(_ text: String) -> Bool? {
        switch text.lowercased() {
        case "true", "yes", "1", "on": true
        case "false", "no", "0", "off": false
        default: nil
        }
    }
}
