import TKEngine
import TKInterventions

/// How a method changes the model's computation.
public enum MethodKind: String, Sendable, CaseIterable {
    /// Edits activations through hooks on every forward pass (ITI, steering).
    case hooks
    /// Changes the next-token scores from the model's own layers (DoLa, induce-then-contrast).
    case logitsRule = "logits-rule"
    /// Contrasts with a second model (contrastive decoding, proxy-tuning).
    case secondModel = "second-model"
    /// Draws several sampled answers per prompt and combines them while generating
    /// (self-consistency, integrative decoding); multiple choice is the model's own.
    case ensemble
    /// Adds next-token logits retrieved from a store of truthful contexts (CAAD).
    case retrieval
}

/// Everything TruthKit knows about one method: name, what it does, its parameters, whether it is
/// fitted per fold (then evaluations score each fold only on the questions its fit held out),
/// and how to build it for a model.
public struct MethodDescriptor: Sendable {
    public typealias Builder = @Sendable (MethodArguments, TransformerModel) throws -> any Intervention
    /// The fit a fitted method's spec names, for fold-by-fold evaluation: its fold split and the
    /// data checksum it was fitted on (checked against the evaluated data).
    public typealias FitReader = @Sendable (MethodArguments) throws -> (split: QuestionFolds, check: (String) throws -> Void)

    public var name: String
    public var summary: String
    public var kind: MethodKind
    public var parameters: [MethodParameter]
    /// The command that fits it, for fitted methods.
    public var fitCommand: String?
    let build: Builder
    let readFit: FitReader?

    public init(name: String, summary: String, kind: MethodKind, parameters: [MethodParameter], fitCommand: String? = nil,
                readFit: FitReader? = nil, build: @escaping Builder) {
        self.name = name
        self.summary = summary
        self.kind = kind
        self.parameters = parameters
        self.fitCommand = fitCommand
        self.readFit = readFit
        self.build = build
    }

    public var isFitted: Bool { readFit != nil }

    /// `dola[:layers=high|low|L,L,…][,norm=none|final]…` — required parameters without brackets.
    public var usage: String {
        guard !parameters.isEmpty else { return name }
        var text = name
        for (i, p) in parameters.enumerated() {
            let piece = (i == 0 ? ":" : ",") + "\(p.name)=\(p.valueSyntax)"
            text += p.required ? piece : "[\(piece)]"
        }
        return text
    }

    /// Checks `spec` against the declarations: no unknown key, every required key, every value of
    /// its type and in its range. Errors name the key and say what is allowed.
    public func arguments(_ spec: InterventionSpec) throws -> MethodArguments {
        let known = parameters.map(\.name)
        for key in spec.parameters.keys.sorted() where !known.contains(key) {
            throw InterventionError(.unknownKey, "\(name) has no parameter '\(key)'; it takes \(known.isEmpty ? "none" : known.joined(separator: ", ")) (see `truthkit methods list`)")
        }
        for p in parameters {
            if let value = spec.parameters[p.name] {
                try p.check(value, method: name)
            } else if p.required {
                throw InterventionError(.missingKey, "\(name) needs '\(p.name)=\(p.valueSyntax)': \(p.help)")
            }
        }
        return MethodArguments(spec: spec, descriptor: self)
    }
}
