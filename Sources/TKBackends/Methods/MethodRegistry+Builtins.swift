import Foundation
import TKEngine
import TKInterventions

extension MethodRegistry {
    /// The decoding rule's shared knobs (contrastive family): strength, plausibility cut-off, and
    /// a repetition penalty for generation.
    static let contrastKnobs = [
        MethodParameter("beta", .real(0...100), default: "1", help: "strength of the contrast"),
        MethodParameter("alpha", .real(0...1), default: "0.1", help: "adaptive plausibility: keep tokens with p ≥ alpha·max p"),
        MethodParameter("penalty", .real(1...10), default: "1", help: "repetition penalty in generation (1 = none)"),
    ]

    /// The sampling knobs of the ensemble methods (answer count, temperature, top-p, seed).
    static func samplingKnobs(count: Int, temperature: Double, topP: Double, countHelp: String) -> [MethodParameter] {
        [
            MethodParameter("k", .integer(0...64), default: String(count), help: countHelp),
            MethodParameter("temperature", .real(0...10), default: MethodParameter.number(temperature), help: "sampling temperature of the k answers (0 = greedy)"),
            MethodParameter("top_p", .real(0.001...1), default: MethodParameter.number(topP), help: "nucleus of the k answers' sampling (1 = all tokens)"),
            MethodParameter("seed", .integer(0...Int(Int32.max)), default: "0", help: "answer i is drawn with seed+i"),
        ]
    }

    static func sampling(_ a: MethodArguments) -> AnswerSampling {
        AnswerSampling(count: a.int("k"), temperature: a.double("temperature"), topP: a.double("top_p"), seed: UInt64(a.int("seed")))
    }

    static let builtins: [MethodDescriptor] = [
        MethodDescriptor(
            name: "dola", summary: "DoLa: contrast the final layer with a premature layer chosen per token by Jensen–Shannon divergence",
            kind: .logitsRule,
            parameters: [
                MethodParameter("layers", .layers(keywords: ["high", "low"]), default: "high", help: "candidate premature layers: the upper or lower half, or a list"),
                MethodParameter("norm", .choice(["none", "final"]), default: "none", help: "apply the final norm to premature layers before the output head"),
                MethodParameter("beta", .real(0...100), default: "1", help: "weight of the premature log-probabilities"),
                MethodParameter("alpha", .real(0...1), default: "0.1", help: "adaptive plausibility cut-off"),
                MethodParameter("penalty", .real(1...10), default: "1.2", help: "repetition penalty in generation (1 = none)"),
            ],
            build: { a, _ in
                let layers: DoLa.Layers = switch a.word("layers") {
                case "low": .low
                case "high": .high
                default: .explicit(a.layerList("layers") ?? [])
                }
                return DoLa(layers: layers, norm: DoLa.PrematureNorm(rawValue: a.word("norm")!)!, beta: a.double("beta"),
                            alpha: a.double("alpha"), repetitionPenalty: a.double("penalty"))
            }),
        MethodDescriptor(
            name: "cd", summary: "contrastive decoding: expert log-probabilities minus beta × a smaller amateur model's",
            kind: .secondModel,
            parameters: [MethodParameter("amateur", .path(keywords: []), required: true, help: "the amateur GGUF (same vocabulary as the model)")] + contrastKnobs,
            build: { a, _ in
                let (amateur, label) = try loadSecondModel(a.string("amateur")!, role: "amateur")
                return ContrastiveDecoding.contrastive(amateur: amateur, label: label, beta: a.double("beta"), alpha: a.double("alpha"),
                                                       repetitionPenalty: a.double("penalty"))
            }),
        MethodDescriptor(
            name: "icd", summary: "induce-then-contrast: contrast with the same model under a hallucination-inducing prompt",
            kind: .logitsRule,
            parameters: [MethodParameter("induce", .path(keywords: ["default"]), default: "default", help: "the inducing prompt: the built-in one or a UTF-8 text file")] + contrastKnobs,
            build: { a, _ in
                ContrastiveDecoding.induced(try inducingRewrite(a), beta: a.double("beta"), alpha: a.double("alpha"), repetitionPenalty: a.double("penalty"))
            }),
        MethodDescriptor(
            name: "lol", summary: "LOL (reduced): induce-then-contrast at the final and lower layers, fused (final + weight × mean of the lower layers' contrasts)",
            kind: .logitsRule,
            parameters: [
                MethodParameter("induce", .path(keywords: ["default"]), default: "default", help: "the inducing prompt: the built-in one or a UTF-8 text file"),
                MethodParameter("layers", .layers(keywords: []), default: LayerFusedContrast.defaultLayers.map(String.init).joined(separator: ","),
                                help: "lower layers contrasted besides the final one (0 = embeddings; chosen on training folds, see README)"),
                MethodParameter("weight", .real(0...100), default: MethodParameter.number(LayerFusedContrast.defaultWeight), help: "weight of the lower layers' mean contrast (0 = ICD)"),
                MethodParameter("norm", .choice(["none", "final"]), default: "final", help: "apply the final norm to lower layers before the output head"),
            ] + contrastKnobs,
            build: { a, _ in
                LayerFusedContrast(rewrite: try inducingRewrite(a), lowerLayers: a.layerList("layers") ?? [], weight: a.double("weight"),
                                   norm: DoLa.PrematureNorm(rawValue: a.word("norm")!)!, beta: a.double("beta"), alpha: a.double("alpha"),
                                   repetitionPenalty: a.double("penalty"))
            }),
        MethodDescriptor(
            name: "proxy", summary: "proxy-tuning: add the difference between a tuned and an untuned small model",
            kind: .secondModel,
            parameters: [
                MethodParameter("tuned", .path(keywords: []), required: true, help: "the tuned small GGUF"),
                MethodParameter("untuned", .path(keywords: []), required: true, help: "the untuned small GGUF"),
                MethodParameter("alpha", .real(0...1), default: "0", help: "adaptive plausibility cut-off"),
                MethodParameter("normalize", .boolean, default: "true", help: "renormalise the combined scores"),
            ],
            build: { a, _ in
                let (tuned, tunedLabel) = try loadSecondModel(a.string("tuned")!, role: "tuned")
                let (untuned, untunedLabel) = try loadSecondModel(a.string("untuned")!, role: "untuned")
                return ContrastiveDecoding.proxyTuning(tuned: tuned, tunedLabel: tunedLabel, untuned: untuned, untunedLabel: untunedLabel,
                                                      alpha: a.double("alpha"), normalize: a.bool("normalize"))
            }),
        MethodDescriptor(
            name: "iti", summary: "inference-time intervention: shift the K most truth-predictive heads by alpha·σ along their truthful direction",
            kind: .hooks,
            parameters: [
                MethodParameter("file", .path(keywords: []), required: true, help: "the fit from `truthkit iti fit`"),
                MethodParameter("alpha", .real(ITIIntervention.alphaRange), default: MethodParameter.number(ITIIntervention.defaultAlpha), help: "strength"),
                MethodParameter("k", .integer(1...1_000_000), default: String(ITIIntervention.defaultK), help: "number of heads"),
                MethodParameter("fold", .integer(0...1000), default: "0", help: "which fold's fit (evaluations set it per fold)"),
            ],
            fitCommand: "truthkit iti fit",
            readFit: { a in
                let fit = try ITIFit.load(path: a.string("file")!)
                return (fit.split, { try fit.checkData(checksum: $0) })
            },
            build: { a, model in
                let fit = try ITIFit.load(path: a.string("file")!)
                let iti = try ITIIntervention(fit: fit, fold: a.int("fold"), alpha: a.double("alpha"), k: a.int("k"))
                // `hooks(for:)` checks shape, name and sampled weights; the file's identity is checked
                // here, when the fit recorded one.
                try iti.fit.checkModel(model, fingerprint: fit.model.fingerprint == nil ? nil : try ModelFingerprint.of(path: model.path))
                return iti
            }),
        MethodDescriptor(
            name: "steer", summary: "steering vectors: add alpha × the mean true−false activation difference to the residual stream",
            kind: .hooks,
            parameters: [
                MethodParameter("file", .path(keywords: []), required: true, help: "the fit from `truthkit steer fit`"),
                MethodParameter("alpha", .real(SteeringIntervention.alphaRange), default: MethodParameter.number(SteeringIntervention.defaultAlpha), help: "strength"),
                MethodParameter("fold", .integer(0...1000), default: "0", help: "which fold's vectors (evaluations set it per fold)"),
                MethodParameter("layers", .layers(keywords: []), help: "a subset of the file's layers (default: all of them)"),
            ],
            fitCommand: "truthkit steer fit",
            readFit: { a in
                let fit = try SteeringFit.load(path: a.string("file")!)
                return (fit.split, { try fit.checkData(checksum: $0) })
            },
            build: { a, _ in
                let fit = try SteeringFit.load(path: a.string("file")!)
                var vectors = try fit.vectors(fold: a.int("fold"))
                if let chosen = a.layerList("layers") {
                    for l in chosen where !fit.layers.contains(l) {
                        throw ActivationFitError(.unknownLocation, "steer: layer \(l) is not in the file; it has vectors for layers \(fit.layers.map(String.init).joined(separator: ","))")
                    }
                    vectors.vectors = vectors.vectors.filter { chosen.contains($0.layer) }
                }
                return try SteeringIntervention(vectors: vectors, alpha: a.double("alpha"))
            }),
        MethodDescriptor(
            name: "caad", summary: "CAAD: add the softmax-weighted next-token logits of the nearest stored truthful contexts",
            kind: .retrieval,
            parameters: [
                MethodParameter("file", .path(keywords: []), required: true, help: "the store from `truthkit caad fit`"),
                MethodParameter("coefficient", .real(0...100), default: MethodParameter.number(CAAD.defaultCoefficient), help: "strength λ of the retrieved logits (0 = the model alone)"),
                MethodParameter("top", .integer(1...10_000), default: String(CAAD.defaultTop), help: "neighbours retrieved per position"),
                MethodParameter("temperature", .real(0.0001...100), default: MethodParameter.number(CAAD.defaultTemperature), help: "softmax temperature over cosine similarities"),
                MethodParameter("threshold", .real(0...0.99), default: MethodParameter.number(CAAD.defaultThreshold), help: "smallest weight a neighbour keeps (the reference's 0.01)"),
                MethodParameter("fold", .integer(0...1000), default: "0", help: "which fold's store (evaluations set it per fold)"),
            ],
            fitCommand: "truthkit caad fit",
            readFit: { a in
                let fit = try CAADFit.load(path: a.string("file")!)
                return (fit.split, { try fit.checkData(checksum: $0) })
            },
            build: { a, model in
                let path = a.string("file")!
                let fit = try CAADFit.load(path: path)
                try fit.model.check(against: model, fingerprint: fit.model.fingerprint == nil ? nil : try ModelFingerprint.of(path: model.path), what: "this CAAD fit")
                let fold = a.int("fold")
                let digest = try FileDigest.sha256(of: URL(fileURLWithPath: path)).hex
                return CAAD(store: try fit.store(fold: fold), coefficient: a.double("coefficient"), top: a.int("top"),
                            temperature: a.double("temperature"), threshold: a.double("threshold"),
                            label: "\(URL(fileURLWithPath: path).lastPathComponent)@sha256:\(digest.prefix(16))#fold\(fold)")
            }),
        MethodDescriptor(
            name: "sc", summary: "self-consistency: sample k answers and return the one the others agree with most (majority vote)",
            kind: .ensemble,
            parameters: samplingKnobs(count: SelfConsistency.defaultCount, temperature: SelfConsistency.defaultTemperature, topP: 1,
                                      countHelp: "answers voted on (k=1 at temperature=0 is the greedy baseline)")
                + [MethodParameter("vote", .choice(SelfConsistency.Vote.allCases.map(\.rawValue)), default: "rouge",
                                   help: "exact: identical answers only; rouge: others count their ROUGE-1 F")],
            build: { a, _ in
                SelfConsistency(sampling: sampling(a), vote: SelfConsistency.Vote(rawValue: a.word("vote")!)!)
            }),
        MethodDescriptor(
            name: "id", summary: "integrative decoding: re-ask with each of k sampled answers, next token from the mean of the k logit vectors",
            kind: .ensemble,
            parameters: samplingKnobs(count: IntegrativeDecoding.defaultCount, temperature: IntegrativeDecoding.defaultTemperature,
                                      topP: IntegrativeDecoding.defaultTopP, countHelp: "sampled answers, one re-asking input each (0 = the baseline)")
                + [MethodParameter("reask", .choice(["repeat", "reference"]), default: "repeat",
                                   help: "re-asking input: the instruction then the prompt's question block again, or the reference's 'Refined Answer:'")],
            build: { a, _ in IntegrativeDecoding(sampling: sampling(a), reask: IntegrativeDecoding.reasks[a.word("reask")!]!) }),
    ]

    /// The `induce=` prompt of the induce-then-contrast methods: the built-in one, or a text file
    /// labelled by its name and digest (so the fingerprint changes with its contents).
    static func inducingRewrite(_ a: MethodArguments) throws -> PromptRewrite {
        guard a.word("induce") != "default" else { return .hallucinationInducing }
        let path = a.string("induce")!
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw InterventionError(.badValue, "\(a.descriptor.name): cannot read the inducing prompt file \(path); give induce=default or a readable UTF-8 text file")
        }
        let digest = try FileDigest.sha256(of: URL(fileURLWithPath: path)).hex
        return .prefix(text, label: "induce-file:\(URL(fileURLWithPath: path).lastPathComponent)@sha256:\(digest.prefix(16))")
    }

    /// Loads a second model, labelled `file@sha256:…` for the run's settings (so the fingerprint
    /// changes with it).
    static func loadSecondModel(_ path: String, role: String) throws -> (TransformerModel, String) {
        guard FileManager.default.fileExists(atPath: path) else {
            throw InterventionError(.badValue, "the \(role) model \(path) does not exist; give the path of a GGUF file (`truthkit models pull` fetches models)")
        }
        let model = try TransformerModel(path: path)
        return (model, "\(URL(fileURLWithPath: path).lastPathComponent)@\(try ModelFingerprint.of(path: path))")
    }
}
