import Foundation
import TKEngine
import TKInterventions

/// Every method TruthKit can apply, by name: the one place `--intervention` specs are checked and
/// turned into interventions (eval, generate, serve, fits), and what `truthkit methods list` prints.
public enum MethodRegistry {
    /// The built-in methods, in the order `methods list` shows them.
    public static var methods: [MethodDescriptor] { builtins + gradientMethods }

    public static func descriptor(named name: String) throws -> MethodDescriptor {
        guard let d = methods.first(where: { $0.name == name }) else {
            throw InterventionError(.unknownMethod, "unknown intervention '\(name)'; known: \(methods.map(\.name).joined(separator: ", ")) (see `truthkit methods list`)")
        }
        return d
    }

    /// Checks `spec` against its method's declarations (before anything is loaded).
    @discardableResult
    public static func check(_ spec: InterventionSpec) throws -> MethodArguments {
        try descriptor(named: spec.name).arguments(spec)
    }

    /// Builds the intervention `spec` names for `model`, checked against the model (layers exist,
    /// vocabularies match) so bad input fails before any scoring.
    public static func make(_ spec: InterventionSpec, for model: TransformerModel) throws -> any Intervention {
        let arguments = try check(spec)
        let intervention = try arguments.descriptor.build(arguments, model)
        try intervention.validate(for: model)
        return intervention
    }

    /// One fold of a fitted method: its spec (with `fold=`) and the questions its fit held out.
    public struct Fold: Sendable {
        public var spec: InterventionSpec
        public var heldOut: Set<Int>

        public init(spec: InterventionSpec, heldOut: Set<Int>) {
            self.spec = spec
            self.heldOut = heldOut
        }
    }

    /// The folds to evaluate a fitted method on data with `dataChecksum` (each fold only on the
    /// questions its fit never saw); nil for methods that are not fitted.
    ///
    /// - Throws: when the fit was made on other data, or the spec pins `fold=` (an evaluation
    ///   scores every fold).
    public static func folds(of spec: InterventionSpec, dataChecksum: String) throws -> [Fold]? {
        let arguments = try check(spec)
        guard let readFit = arguments.descriptor.readFit else { return nil }
        if spec.parameters["fold"] != nil {
            throw InterventionError(.badValue, "\(spec.name): leave out fold=; an evaluation scores every fold on the questions it held out")
        }
        let (split, checkData) = try readFit(arguments)
        try checkData(dataChecksum)
        return (0..<split.count).map { fold in
            var s = spec
            s.parameters["fold"] = String(fold)
            return Fold(spec: s, heldOut: Set(split.heldOut(fold: fold)))
        }
    }

    /// The table `truthkit methods list` prints.
    public static func listing() -> String {
        var lines: [String] = []
        for m in methods {
            lines.append("\(m.name) — \(m.summary)")
            lines.append("  kind: \(m.kind.rawValue)\(m.fitCommand.map { "; fitted per fold (`\($0)`)" } ?? "")")
            lines.append("  usage: --intervention \(m.usage)")
            for p in m.parameters {
                let note = p.required ? "required" : p.defaultValue.map { "default \($0)" } ?? "optional"
                lines.append("    \(p.name)=\(p.valueSyntax)  (\(note)) \(p.help)")
            }
        }
        return lines.joined(separator: "\n")
    }
}
