import TKEngine
import TKInterventions

extension MethodRegistry {
    /// Methods fitted with integrated gradients (`TKInterventions/Attribution`): their own block,
    /// listed after the built-ins.
    static let gradientMethods: [MethodDescriptor] = [
        MethodDescriptor(
            name: "truth-neurons", summary: "Truth Neurons: scale the k feed-forward neurons with the highest integrated-gradients attribution to true-over-false answers (0 suppresses them)",
            kind: .hooks,
            parameters: [
                MethodParameter("file", .path(keywords: []), required: true, help: "the fit from `truthkit truth-neurons fit`"),
                MethodParameter("k", .integer(0...1_000_000), default: String(TruthNeuronIntervention.defaultK), help: "number of neurons (0 = the baseline)"),
                MethodParameter("scale", .real(TruthNeuronIntervention.scaleRange), default: "0", help: "factor on the neurons' activations (0 suppresses, 1 = the baseline)"),
                MethodParameter("fold", .integer(0...1000), default: "0", help: "which fold's ranking (evaluations set it per fold)"),
            ],
            fitCommand: "truthkit truth-neurons fit",
            readFit: { a in
                let fit = try TruthNeuronFit.load(path: a.string("file")!)
                return (fit.split, { try fit.checkData(checksum: $0) })
            },
            build: { a, _ in
                try TruthNeuronIntervention(fit: try TruthNeuronFit.load(path: a.string("file")!), fold: a.int("fold"), k: a.int("k"),
                                            scale: a.double("scale"))
            }),
        MethodDescriptor(
            name: "grains", summary: "GrAInS: steer the residual stream along the activation change that ablating the prompt tokens with the highest and lowest integrated-gradients attribution causes, keeping its norm",
            kind: .hooks,
            parameters: [
                MethodParameter("file", .path(keywords: []), required: true, help: "the fit from `truthkit grains fit`"),
                MethodParameter("alpha", .real(GrAInSIntervention.alphaRange), default: MethodParameter.number(GrAInSIntervention.defaultAlpha), help: "strength: the shift is 10·alpha along the unit direction (0 = the baseline)"),
                MethodParameter("fold", .integer(0...1000), default: "0", help: "which fold's direction (evaluations set it per fold)"),
            ],
            fitCommand: "truthkit grains fit",
            readFit: { a in
                let fit = try GrAInSFit.load(path: a.string("file")!)
                return (fit.split, { try fit.checkData(checksum: $0) })
            },
            build: { a, _ in
                try GrAInSIntervention(fit: try GrAInSFit.load(path: a.string("file")!), fold: a.int("fold"), alpha: a.double("alpha"))
            }),
    ]
}
