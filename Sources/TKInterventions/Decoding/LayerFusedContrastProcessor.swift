import TKEngine
import TKKernels

/// LOL's generation step: the expert's last-row activations at the lower layers come with each
/// step; the amateur (ICD's, on a session of its own, as `ContrastiveProcessor` runs it) records
/// the same layers while computing its next-token row. Every row is projected through the output
/// head and the fused, plausibility-filtered score is returned.
public final class LayerFusedContrastProcessor: LogitsProcessor {
    public let lol: LayerFusedContrast
    public let recordedPoints: [HookPoint]
    let session: InferenceSession
    let amateur: ContrastiveProcessor

    public init(lol: LayerFusedContrast, session: InferenceSession, promptText: String?, promptTokens: [Int32]) throws {
        self.lol = lol
        self.session = session
        recordedPoints = lol.points(layers: session.model.config.layers)
        amateur = try ContrastiveProcessor(decoding: lol.contrast, expert: session.model, threads: session.compute.threads,
                                           promptText: promptText, promptTokens: promptTokens)
    }

    /// Log-probabilities of the lower layers' last rows, in `recordedPoints` order.
    func lowerLogProbs(_ activations: [HookPoint: [Float]]) throws -> [[Float]] {
        try recordedPoints.map { point in
            guard let row = activations[point] else { throw InterventionError(.badLayers, "lol: no activations were recorded at \(point)") }
            let logits = session.logits(fromHidden: FloatMatrix(rows: 1, cols: row.count, values: row), applyFinalNorm: lol.norm == .final)
            return NextTokenMath.logSoftmax(logits.row(0))
        }
    }

    public func process(logits: [Float], activations: [HookPoint: [Float]], tokens: [Int32]) throws -> [Float] {
        let expert = [NextTokenMath.logSoftmax(logits)] + (try lowerLogProbs(activations))
        let recorder = LastRowRecorder(points: recordedPoints)
        var hooks = Hooks()
        recorder.install(into: &hooks)
        let generated = tokens[min(amateur.promptCount, tokens.count)...]
        let amateurFinal = try amateur.amateurLogProbs(0, generated: generated, hooks: hooks)
        let amateurRows = [amateurFinal] + (try lowerLogProbs(recorder.rows))
        var scores = lol.filteredFuse(expert: expert, amateur: amateurRows).map(Float.init)
        NextTokenMath.applyRepetitionPenalty(&scores, tokens: tokens, penalty: lol.contrast.repetitionPenalty)
        return scores
    }
}
