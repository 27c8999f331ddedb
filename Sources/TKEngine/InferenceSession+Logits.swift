import TKGGUF
import TKKernels

extension InferenceSession {
    /// Rows of the vocabulary projection computed per step when whole log-probability rows are
    /// wanted, so a long text never materialises `n × vocab` logits at once. The products are
    /// row-invariant (`ComputeContext.rowInvariantMatmul`) and the log-sum-exp is taken over the
    /// same vocabulary tiles as `logSoftmaxSummary`, so chunking never changes a number: the
    /// scoring backends, the server and `scoreSequence` agree bit for bit.
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
            let logits = FloatMatrix(rows: chunk.rows, cols: model.config.vocabSize)
            compute.rowInvariantMatmul(headInput(chunk, applyFinalNorm: applyFinalNorm), model.weights.output, into: logits)
            if let cap = model.weights.logitSoftcap { Elementwise.softcap(logits, cap: cap) }
            let lse = Elementwise.logSumExp(logits)
            try checkFinite(logSumExps: lse)
            try body(logits, lse, start)
            start = end
        }
    }

    /// Per row of `hidden`: the log-sum-exp, the argmax and the logits of `targets[row]`, from the
    /// output head without materialising its `rows × vocab` logits (see
    /// `ComputeContext.logSoftmaxSummary`); bit-identical to what `forEachLogitChunk` gives for the
    /// same rows, whichever other rows are passed with them. Rows with no targets still cost a full
    /// product: pass only the rows that predict a scored token.
    ///
    /// Throws `.damagedModel` when a row's logits are not finite.
    public func logSoftmaxSummary(fromHidden hidden: FloatMatrix, targets: [[Int32]], applyFinalNorm: Bool = true) throws -> LogSoftmaxSummary {
        for list in targets {
            for t in list where t < 0 || Int(t) >= model.config.vocabSize {
                throw EngineError(.invalidRequest, "token id \(t) is outside the vocabulary (0..<\(model.config.vocabSize))")
            }
        }
        let summary = compute.logSoftmaxSummary(headInput(hidden, applyFinalNorm: applyFinalNorm), head: model.weights.output,
                                                softcap: model.weights.logitSoftcap, targets: targets)
        try checkFinite(logSumExps: summary.logSumExp)
        return summary
    }

    /// The output head's input: `hidden` through the final RMSNorm, or as it is.
    func headInput(_ hidden: FloatMatrix, applyFinalNorm: Bool) -> FloatMatrix {
        let c = model.config
        precondition(hidden.cols == c.dim, "hidden states must have \(c.dim) columns")
        guard applyFinalNorm else { return hidden }
        let input = FloatMatrix(rows: hidden.rows, cols: c.dim)
        Elementwise.rmsNorm(hidden, weight: model.weights.outputNorm, epsilon: c.normEpsilon, into: input)
        return input
    }

    /// Logits (`rows × vocab`) from hidden states of any layer: final RMSNorm (unless
    /// `applyFinalNorm` is false, as DoLa's reference does), the output head, then the family's
    /// logit soft-capping if it has one. Few rows (decode) dot the quantised head directly; the
    /// log-probability paths use `forEachLogitChunk` or `logSoftmaxSummary` instead.
    public func logits(fromHidden hidden: FloatMatrix, applyFinalNorm: Bool = true) -> FloatMatrix {
        let out = FloatMatrix(rows: hidden.rows, cols: model.config.vocabSize)
        compute.matmul(headInput(hidden, applyFinalNorm: applyFinalNorm), model.weights.output, into: out)
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
        let summary = try logSoftmaxSummary(fromHidden: hidden, targets: targets.map { [$0] }, applyFinalNorm: applyFinalNorm)
        return targets.indices.map { summary.logProbability(row: $0, target: 0) }
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
