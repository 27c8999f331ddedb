import TKInterventions

/// One parameter a method takes in its `--intervention` spec: its type and range, its default,
/// and a line of help. Spec checking, error messages, `truthkit methods list` and each method's
/// typed arguments all come from these declarations.
public struct MethodParameter: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// A finite number in the range.
        case real(ClosedRange<Double>)
        /// A whole number in the range.
        case integer(ClosedRange<Int>)
        /// One of these words (case-insensitive).
        case choice([String])
        /// true/false, yes/no, 1/0, on/off.
        case boolean
        /// A file path, or one of these keywords.
        case path(keywords: [String])
        /// Layer numbers separated by commas, or one of these keywords.
        case layers(keywords: [String])
    }

    public var name: String
    public var kind: Kind
    /// The value used when the spec leaves the parameter out; nil for required parameters and
    /// for optional ones without a default (the method then does without).
    public var defaultValue: String?
    public var required: Bool
    public var help: String

    public init(_ name: String, _ kind: Kind, default defaultValue: String? = nil, required: Bool = false, help: String) {
        self.name = name
        self.kind = kind
        self.defaultValue = defaultValue
        self.required = required
        self.help = help
    }

    /// What the value may be, for help and errors: `0…100`, `none|final`, `PATH|default`.
    public var valueSyntax: String {
        switch kind {
        case .real(let r): "\(Self.number(r.lowerBound))…\(Self.number(r.upperBound))"
        case .integer(let r): "\(r.lowerBound)…\(r.upperBound)"
        case .choice(let words): words.joined(separator: "|")
        case .boolean: "true|false"
        case .path(let keywords): (["PATH"] + keywords).joined(separator: "|")
        case .layers(let keywords): (keywords + ["L,L,…"]).joined(separator: "|")
        }
    }

    static func number(_ x: Double) -> String {
        x == x.rounded() && abs(x) < 1e15 ? String(Int(x)) : String(x)
    }

    /// Checks one written value; the error names the method, the key, the value and what is allowed.
    func check(_ value: String, method: String) throws {
        func bad(_ why: String, code: InterventionError.Code = .badValue) -> InterventionError {
            InterventionError(code, "\(method): \(name)=\(value) \(why)")
        }
        switch kind {
        case .real(let range):
            guard let v = Double(value), v.isFinite else { throw bad("is not a number; give a value in \(valueSyntax)") }
            guard range.contains(v) else { throw bad("is out of range; it must be in \(valueSyntax)") }
        case .integer(let range):
            guard let v = Int(value) else { throw bad("is not a whole number; give a value in \(valueSyntax)") }
            guard range.contains(v) else { throw bad("is out of range; it must be in \(valueSyntax)") }
        case .choice(let words):
            guard words.contains(value.lowercased()) else { throw bad("is not one of \(words.joined(separator: ", "))") }
        case .boolean:
            guard MethodArguments.boolean(value) != nil else { throw bad("must be true or false") }
        case .path:
            guard !value.isEmpty else { throw bad("is empty; give a file path") }
        case .layers(let keywords):
            if keywords.contains(value.lowercased()) { return }
            let pieces = value.split(separator: ",", omittingEmptySubsequences: false)
            guard !pieces.isEmpty, pieces.allSatisfy({ Int($0.trimmingCharacters(in: .whitespaces)) != nil }) else {
                throw bad("must be \(keywords.isEmpty ? "" : keywords.map { "'\($0)'" }.joined(separator: ", ") + " or ")layer numbers such as '16,18,20'", code: .badLayers)
            }
        }
    }
}


