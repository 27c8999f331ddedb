import TKEngine
import TKKernels

/// Runs each example's prompt through the model once and keeps the activations at its last token:
/// every layer's attention heads (for ITI) and/or the residual stream after chosen layers (for
/// steering vectors), all from the same pass.
///
/// The answers of one question share the tokens of `Q: {question} A:`; that common token prefix is
/// run once and all answers are run from it as one branch batch (each answer sees the prefix and
/// itself only), so a question with eight answers costs one prefix plus the answer tokens. The hooks
/// copy only the rows they need.
public struct ActivationCollector {
    public let model: TransformerModel
    public let threads: Int

    public init(model: TransformerModel, threads: Int = 2) {
        self.model = model
        self.threads = threads
    }

    /// - Parameters:
    ///   - heads: Collect every layer's attention-head outputs.
    ///   - residualLayers: Blocks after which to collect the residual stream.
    ///   - progress: Called with the number of examples done after each question.
    /// - Throws: `ActivationFitError` for an unknown layer or an empty prompt; `EngineError` when a
    ///   prompt does not fit the context window.
    public func collect(_ examples: [ProbeExample], heads: Bool = true, residualLayers: [Int] = [],
                        progress: (Int) -> Void = { _ in }) throws -> CollectedActivations {
        let c = model.config
        for l in residualLayers where !(0..<c.layers).contains(l) {
            throw ActivationFitError(.unknownLocation, "layer \(l) does not exist; the model has layers 0...\(c.layers - 1)")
        }
        let layers = Array(Set(residualLayers)).sorted()
        let tokenizer = model.tokenizer
        let encoded: [[Int32]] = try examples.enumerated().map { i, e in
            let ids = tokenizer.encode(e.prompt, addSpecial: true)
            guard !ids.isEmpty else { throw ActivationFitError(.invalidInput, "example \(i) (question \(e.questionIndex)) has a prompt with no tokens") }
            return ids
        }
        // Group by question, keeping first-appearance order.
        var groups: [[Int]] = [], groupOf: [Int: Int] = [:]
        for (i, e) in examples.enumerated() {
            if let g = groupOf[e.questionIndex] { groups[g].append(i) } else { groupOf[e.questionIndex] = groups.count; groups.append([i]) }
        }

        let store = Store(count: examples.count)
        let session = InferenceSession(model: model, threads: threads)
        var done = 0
        for group in groups {
            let sequences = group.map { encoded[$0] }
            // Common token prefix, leaving at least one token in every branch.
            var shared = sequences.map { $0.count - 1 }.min() ?? 0
            for s in sequences.dropFirst() {
                var i = 0
                while i < shared, s[i] == sequences[0][i] { i += 1 }
                shared = i
            }
            session.reset()
            if shared > 0 {
                try session.forward(.sequence(Array(sequences[0][..<shared]), startingAt: 0, outputs: .none))
            }
            let (batch, ranges) = Batch.branches(sequences.map { Array($0[shared...]) }, startingAt: shared)
            // Last row of each branch → example index.
            let targets = zip(ranges, group).map { (row: $0.upperBound - 1, example: $1) }
            var hooks = Hooks()
            if heads {
                for l in 0..<c.layers {
                    hooks.add(at: .attentionHeads(layer: l)) { m, _ in
                        for t in targets { store.heads[t.example].append(contentsOf: m.row(t.row)) }
                    }
                }
            }
            for l in layers {
                hooks.add(at: .residual(layer: l)) { m, _ in
                    for t in targets { store.residuals[l, default: Array(repeating: [], count: examples.count)][t.example] = m.row(t.row) }
                }
            }
            var outputOnly = batch
            outputOnly.outputRows = []
            try session.forward(outputOnly, hooks: hooks)
            done += group.count
            progress(done)
        }
        return CollectedActivations(
            questionIndices: examples.map(\.questionIndex), labels: examples.map(\.isTrue), layers: c.layers, heads: c.heads,
            headDim: c.headDim, dim: c.dim, headValues: heads ? store.heads : [], residuals: store.residuals)
    }

    /// Mutable storage the hook closures write into (hooks are plain closures run synchronously
    /// inside `forward`, on this thread).
    private final class Store {
        var heads: [[Float]]
        var residuals: [Int: [[Float]]] = [:]
        init(count: Int) { heads = Array(repeating: [], count: count) }
    }
}
