import TKEngine
import TKKernels

/// DoLa's generation step: at each position, project the candidate layers' last-row hidden states
/// through the output head, pick the premature layer by Jensen–Shannon divergence, and return the
/// relative-top-filtered contrast with the repetition penalty applied.
public final class DoLaProcessor: LogitsProcessor {
    public let dola: DoLa
    public let candidates: [Int]
    public let recordedPoints: [HookPoint]
    let session: InferenceSession
    let finalLayer: Int
    /// How often each candidate layer was chosen (the reference's `premature_layer_dist`).
    public private(set) var chosenCounts: [Int: Int] = [:]

    public init(dola: DoLa, session: InferenceSession) throws {
        self.dola = dola
        self.session = session
        candidates = try dola.candidateLayers(for: session.model)
        finalLayer = session.model.config.layers
        recordedPoints = candidates.compactMap { DoLa.hookPoint(forLayer: $0, layers: session.model.config.layers) }
    }

    /// Log-probabilities of every candidate layer, given the last row at each recorded point and
    /// the final layer's log-probabilities.
    func candidateLogProbs(finalLogProbs: [Float], activations: [HookPoint: [Float]]) throws -> [[Float]] {
        try candidates.map { layer in
            guard let point = DoLa.hookPoint(forLayer: layer, layers: finalLayer) else { return finalLogProbs }
            guard let row = activations[point] else {
                throw InterventionError(.badLayers, "dola: no activations were recorded at \(point)")
            }
            let logits = session.logits(fromHidden: FloatMatrix(rows: 1, cols: row.count, values: row),
                                        applyFinalNorm: dola.norm == .final)
            return NextTokenMath.logSoftmax(logits.row(0))
        }
    }

    public func process(logits: [Float], activations: [HookPoint: [Float]], tokens: [Int32]) throws -> [Float] {
        let final = NextTokenMath.logSoftmax(logits)
        let premature = try candidateLogProbs(finalLogProbs: final, activations: activations)
        let chosen = DoLa.choosePremature(final: final, candidates: premature)
        chosenCounts[candidates[chosen], default: 0] += 1
        var scores = dola.filteredContrast(final: final, premature: premature[chosen]).map(Float.init)
        NextTokenMath.applyRepetitionPenalty(&scores, tokens: tokens, penalty: dola.repetitionPenalty)
        return scores
    }
}
