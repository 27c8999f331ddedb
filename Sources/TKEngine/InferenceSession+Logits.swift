import TKGGUF
import TKKernels

extension InferenceSession {
    /// Rows of the vocabulary projection computed per step when only log-probabilities are wanted,
    /// so a long text never materialises `n × vocab` logits at once. Every path that reports
    /// log-probabilities chunks rows this way (`forEachLogitChunk`): the products' row count
    /// decides the kernels' summation order, so equal chunking is what makes the numbers of the
    /// scoring backends, the server and `scoreSequence` bit-identical.
    public static let logitChunkRows = 32

    /// Runs the output head over `hidden` in chunks of `logitChunkRows` rows and calls `body` with
    /// each chunk's logits, their log-sum-exps and the chunk's first row.
    ///
    /// Throws `.damagedModel` when a chunk's logits are not finite (see `checkFinite(logSumExps:)`),
    /// so no path that reports log-probabilities can report NaN.
    public func forEachLogitChunk(_ hidden: FloatMatrix, applyFinalNorm: Bool = true,
                                  _ body: (_ logits: FloatMatrix, _ logSumExp: [Float], _ firstRow: Int) throws -> Void) throws {
        var start = 0
        while start < hidden.rows {
            let end = min(hidden.rows, start + Self.logitChunkRows)
            let chunk = FloatMatrix(rows: end - start, cols: hidden.cols)
            chunk.copyRows(from: hidden, start..<end, to: 0)
            let logits = logits(fromHidden: chunk, applyFinalNorm: applyFinalNorm)
            let lse = Elementwise.logSumExp(logits)
            try checkFinite(logSumExps: lse)
            try body(logits, lse, start)
            start = end
        }
    }

    /// Logits (`rows × vocab`) from hidden states of any layer: final RMSNorm (unless
    /// `applyFinalNorm` is false, as DoLa's reference does), the output head, then the family's
    /// logit soft-capping if it has one.
    public func logits(fromHidden hidden: FloatMatrix, applyFinalNorm: Bool = true) -> FloatMatrix {
        let c = model.config
        precondition(hidden.cols == c.dim, "hidden states must have \(c.dim) columns")
        let input: FloatMatrix
        if applyFinalNorm {
            input = FloatMatrix(rows: hidden.rows, cols: c.dim)
            Elementwise.rmsNorm(hidden, weight: model.weights.outputNorm, epsilon: c.normEpsilon, into: input)
        } else {
            input = hidden
        }
        let out = FloatMatrix(rows: hidden.rows, cols: c.vocabSize)
        compute.matmul(input, model.weights.output, into: out)
        if let cap = model.weights.logitSoftcap { Elementwise.softcap(out, cap: cap) }
        return out
    }

    /// Throws `.damagedModel` unless every log-sum-exp of a logits matrix is finite.
    ///
    /// A single NaN or +infinity logit makes its row's log-sum-exp NaN, so checking these few
    /// numbers (one per row, already computed for the log-probabilities) covers the whole
    /// `rows × vocab` matrix: the output head or final norm gave a non-finite logit. The
    /// residual stream itself is checked by `forward`, which names the layer.
    public func checkFinite(logSumExps lse: [Float]) throws {
        guard let bad = lse.firstIndex(where: { !$0.isFinite }) else { return }
        throw EngineError(.damagedModel, "the logits of row \(bad) are non-finite (log-sum-exp \(lse[bad])) although the last layer's output was finite: the output head (output.weight, or token_embd.weight when tied) or output_norm.weight of \(GGUFText.forError(model.path)) is damaged — download the model again and verify its checksum")
    }

    /// Log-probability of `targets[i]` under the distribution predicted by hidden row i.
    ///
    /// Throws `.damagedModel` when the logits are not finite (see `checkFinite(logSumExps:)`).
    public func logProbabilities(fromHidden hidden: FloatMatrix, targets: [Int32], applyFinalNorm: Bool = true) throws -> [Float] {
        precondition(targets.count == hidden.rows, "one target per hidden row")
        var result: [Float] = []
        result.reserveCapacity(targets.count)
        try forEachLogitChunk(hidden, applyFinalNorm: applyFinalNorm) { logits, lse, start in
            for i in 0..<logits.rows { result.append(logits[i, Int(targets[start + i])] - lse[i]) }
        }
        return result
    }

    /// Per-token log-probabilities of a whole token sequence from an empty cache: entry j is
    /// log p(tokens[j+1] | tokens[...j]). The cache holds the sequence afterwards.
    public func scoreSequence(_ tokens: [Int32], hooks: Hooks = Hooks()) throws -> [Float] {
        reset()
        guard tokens.count > 1 else {
            if !tokens.isEmpty { try forward(.sequence(tokens, startingAt: 0, outputs: .none), hooks: hooks) }
            return []
        }
        let hidden = try forward(.sequence(tokens, startingAt: 0, outputs: .all), hooks: hooks)
        let prefixRows = FloatMatrix(rows: tokens.count - 1, cols: hidden.cols)
        prefixRows.copyRows(from: hidden, 0..<(tokens.count - 1), to: 0)
        return try logProbabilities(fromHidden: prefixRows, targets: Array(tokens.dropFirst()))
    }
}
