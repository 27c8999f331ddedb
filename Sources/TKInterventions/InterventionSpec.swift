import Foundation

/// An intervention as written on the command line: `NAME[:key=value,…]`, e.g.
/// `dola:layers=high,norm=none` or `cd:amateur=/models/small.gguf,beta=0.5`.
///
/// A list value keeps its commas: a piece without `=` continues the previous value, so
/// `dola:layers=16,18,20,beta=1` sets `layers` to `16,18,20`. Parsing checks only the syntax;
/// each method checks its keys and values with the typed getters, which fail with a message
/// naming the key, the value and what is allowed — before any scoring starts.
public struct InterventionSpec: Sendable, Equatable, Hashable, CustomStringConvertible {
    public var name: String
    public var parameters: [String: String]

    public init(name: String, parameters: [String: String] = [:]) {
        self.name = name
        self.parameters = parameters
    }

    public init(parsing text: String) throws {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let head = trimmed.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        let name = head[0].trimmingCharacters(in: .whitespaces).lowercased()
        guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) else {
            throw InterventionError(.syntax, "intervention \(text.debugDescription) must start with a method name such as dola, cd, icd or proxy, e.g. 'dola:layers=high'")
        }
        var parameters: [String: String] = [:]
        var order: [String] = []
        if head.count == 2 {
            for piece in head[1].split(separator: ",", omittingEmptySubsequences: false) {
                let part = piece.trimmingCharacters(in: .whitespaces)
                if let eq = part.firstIndex(of: "=") {
                    let key = part[..<eq].trimmingCharacters(in: .whitespaces).lowercased()
                    let value = part[part.index(after: eq)...].trimmingCharacters(in: .whitespaces)
                    guard !key.isEmpty else {
                        throw InterventionError(.syntax, "intervention \(text.debugDescription): '\(part)' has no key before '='; write key=value")
                    }
                    guard parameters[key] == nil else {
                        throw InterventionError(.syntax, "intervention \(text.debugDescription) sets '\(key)' twice; give it once")
                    }
                    parameters[key] = value
                    order.append(key)
                } else if let last = order.last, !part.isEmpty {
                    parameters[last]! += "," + part
                } else {
                    throw InterventionError(.syntax, "intervention \(text.debugDescription): '\(part)' is not key=value; write e.g. '\(name):beta=0.5'")
                }
            }
        }
        self.init(name: name, parameters: parameters)
    }

    public var description: String {
        parameters.isEmpty ? name : name + ":" + parameters.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
    }

    // MARK: Typed getters

    /// Fails when a key is not among `allowed` (typos must not be ignored silently).
    public func checkKeys(allowed: [String]) throws {
        for key in parameters.keys.sorted() where !allowed.contains(key) {
            throw InterventionError(.unknownKey, "\(name) has no parameter '\(key)'; it takes \(allowed.joined(separator: ", "))")
        }
    }

    public func string(_ key: String) -> String? { parameters[key] }

    public func requiredString(_ key: String) throws -> String {
        guard let v = parameters[key], !v.isEmpty else {
            throw InterventionError(.missingKey, "\(name) needs '\(key)=…'")
        }
        return v
    }

    /// A number within `range` (inclusive), or `defaultValue` when the key is absent.
    public func double(_ key: String, default defaultValue: Double, in range: ClosedRange<Double>) throws -> Double {
        guard let text = parameters[key] else { return defaultValue }
        guard let v = Double(text), v.isFinite else {
            throw InterventionError(.badValue, "\(name): \(key)=\(text) is not a number; give a value in \(range.lowerBound)…\(range.upperBound)")
        }
        guard range.contains(v) else {
            throw InterventionError(.badValue, "\(name): \(key)=\(text) is out of range; it must be in \(range.lowerBound)…\(range.upperBound)")
        }
        return v
    }

    public func bool(_ key: String, default defaultValue: Bool) throws -> Bool {
        guard let text = parameters[key] else { return defaultValue }
        switch text.lowercased() {
        case "true", "yes", "1", "on": return true
        case "false", "no", "0", "off": return false
        default: throw InterventionError(.badValue, "\(name): \(key)=\(text) must be true or false")
        }
    }

    /// One of `choices`, or `defaultValue` when the key is absent.
    public func choice(_ key: String, default defaultValue: String, among choices: [String]) throws -> String {
        guard let text = parameters[key] else { return defaultValue }
        guard choices.contains(text.lowercased()) else {
            throw InterventionError(.badValue, "\(name): \(key)=\(text) is not one of \(choices.joined(separator: ", "))")
        }
        return text.lowercased()
    }
}
/// Bad intervention input — an unknown method or key, a value out of range, an amateur model that
/// does not fit — with a message that says what to change. Thrown before any scoring starts.
public struct InterventionError: Error, CustomStringConvertible, Sendable, Equatable {
    public enum Code: String, Sendable {
        /// The `--intervention` text does not parse.
        case syntax
        /// No method of that name.
        case unknownMethod
        /// A parameter the method does not take.
        case unknownKey
        /// A required parameter is missing.
        case missingKey
        /// A value that does not parse or is out of range.
        case badValue
        /// Layers the model does not have.
        case badLayers
        /// Models whose vocabularies differ cannot be contrasted token by token.
        case vocabularyMismatch
        /// Expert and amateur split a continuation into different tokens.
        case tokenMismatch
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
