import Foundation
import TKEngine
import TKInterventions

/// Builds an `Intervention` from its command-line spec, loading amateur models from disk.
///
/// | spec | meaning |
/// |---|---|
/// | `dola[:layers=high\|low\|i,j,…][,norm=none\|final][,beta=1][,alpha=0.1][,penalty=1.2]` | DoLa |
/// | `cd:amateur=PATH[,beta=1][,alpha=0.1][,penalty=1]` | contrastive decoding with a smaller model |
/// | `icd[:induce=default\|FILE][,beta=1][,alpha=0.1][,penalty=1]` | induce-then-contrast, prompt-induced |
/// | `proxy:tuned=PATH,untuned=PATH[,alpha=0][,normalize=true]` | proxy-tuning |
/// | `iti:file=FIT.json[,alpha=15][,k=48][,fold=0]` | inference-time intervention (`truthkit iti fit`) |
/// | `steer:file=FIT.json[,alpha=…][,fold=0][,layers=…]` | steering vectors (`truthkit steer fit`) |
///
/// Amateur models are recorded by file name and SHA-256, so the fingerprint changes with them.
/// Other methods (the activation interventions) come in through `extra`.
public enum InterventionLoader {
    public typealias Factory = @Sendable (InterventionSpec, TransformerModel) throws -> any Intervention

    public static let decodingMethods = ["dola", "cd", "icd", "proxy"]
    public static let activationMethods = ["iti", "steer"]

    public static func make(_ spec: InterventionSpec, for model: TransformerModel,
                            extra: [String: Factory] = [:]) throws -> any Intervention {
        let intervention: any Intervention
        switch spec.name {
        case "dola":
            intervention = try DoLa(spec: spec)
        case "cd":
            try spec.checkKeys(allowed: ["amateur", "beta", "alpha", "penalty"])
            let beta = try spec.double("beta", default: 1, in: 0...100)
            let alpha = try spec.double("alpha", default: 0.1, in: 0...1)
            let penalty = try spec.double("penalty", default: 1, in: 1...10)
            let (amateur, label) = try loadAmateur(try spec.requiredString("amateur"), role: "amateur")
            intervention = ContrastiveDecoding.contrastive(amateur: amateur, label: label, beta: beta, alpha: alpha, repetitionPenalty: penalty)
        case "icd":
            try spec.checkKeys(allowed: ["induce", "beta", "alpha", "penalty"])
            let beta = try spec.double("beta", default: 1, in: 0...100)
            let alpha = try spec.double("alpha", default: 0.1, in: 0...1)
            let penalty = try spec.double("penalty", default: 1, in: 1...10)
            let rewrite: PromptRewrite
            switch spec.string("induce") {
            case nil, "default": rewrite = .hallucinationInducing
            case let path?:
                guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                    throw InterventionError(.badValue, "icd: cannot read the inducing prompt file \(path); give induce=default or a readable UTF-8 text file")
                }
                let digest = try FileDigest.sha256(of: URL(fileURLWithPath: path)).hex
                rewrite = .prefix(text, label: "induce-file:\(URL(fileURLWithPath: path).lastPathComponent)@sha256:\(digest.prefix(16))")
            }
            intervention = ContrastiveDecoding.induced(rewrite, beta: beta, alpha: alpha, repetitionPenalty: penalty)
        case "proxy":
            try spec.checkKeys(allowed: ["tuned", "untuned", "alpha", "normalize"])
            let alpha = try spec.double("alpha", default: 0, in: 0...1)
            let normalize = try spec.bool("normalize", default: true)
            let (tuned, tunedLabel) = try loadAmateur(try spec.requiredString("tuned"), role: "tuned")
            let (untuned, untunedLabel) = try loadAmateur(try spec.requiredString("untuned"), role: "untuned")
            intervention = ContrastiveDecoding.proxyTuning(tuned: tuned, tunedLabel: tunedLabel, untuned: untuned,
                                                          untunedLabel: untunedLabel, alpha: alpha, normalize: normalize)
        case "iti":
            let iti = try ITIIntervention(spec: spec)
            // `hooks(for:)` checks shape, name and sampled weights; the file hash is checked here.
            try iti.fit.checkModel(model, fingerprint: "sha256:" + (try FileDigest.sha256(of: URL(fileURLWithPath: model.path)).hex))
            intervention = iti
        case "steer":
            intervention = try SteeringIntervention(spec: spec)
        default:
            guard let factory = extra[spec.name] else {
                let known = (decodingMethods + activationMethods + extra.keys.sorted()).joined(separator: ", ")
                throw InterventionError(.unknownMethod, "unknown intervention '\(spec.name)'; known: \(known)")
            }
            intervention = try factory(spec, model)
        }
        try intervention.validate(for: model)
        return intervention
    }

    /// Loads a second model, labelled `file@sha256:…` for the run's settings.
    static func loadAmateur(_ path: String, role: String) throws -> (TransformerModel, String) {
        guard FileManager.default.fileExists(atPath: path) else {
            throw InterventionError(.badValue, "the \(role) model \(path) does not exist; give the path of a GGUF file (`truthkit models pull` fetches models)")
        }
        let model = try TransformerModel(path: path)
        let digest = try FileDigest.sha256(of: URL(fileURLWithPath: path)).hex
        return (model, "\(URL(fileURLWithPath: path).lastPathComponent)@sha256:\(digest)")
    }
}
