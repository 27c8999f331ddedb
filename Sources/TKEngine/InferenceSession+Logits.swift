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
    public func forEachLogitChunk(_ hidden: FloatMatrix, applyFinalNorm: Bool = true,
                                  _ body: (_ logits: FloatMatrix, _ logSumExp: [Float], _ firstRow: Int) throws -> Void) rethrows {
        var start = 0
        while start < hidden.rows {
            let end = min(hidden.rows, start + Self.logitChunkRows)
            let chunk = FloatMatrix(rows: end - start, cols: hidden.cols)
            chunk.copyRows(from: hidden, start..<end, to: 0)
            let logits = logits(fromHidden: chunk, applyFinalNorm: applyFinalNorm)
            try body(logits, Elementwise.logSumExp(logits), start)
            start = end
        }
    }

    /// Logits (`rows × vocab`) from hidden states of any layer: final RMSNorm (unless
    /// `applyFinalNorm` is false, as DoLa's reference does) then the output head.
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
        return out
    }

    /// Log-probability of `targets[i]` under the distribution predicted by hidden row i.
    public func logProbabilities(fromHidden hidden: FloatMatrix, targets: [Int32], applyFinalNorm: Bool = true) -> [Float] {
        precondition(targets.count == hidden.rows, "one target per hidden row")
        var result: [Float] = []
        result.reserveCapacity(targets.count)
        forEachLogitChunk(hidden, applyFinalNorm: applyFinalNorm) { logits, lse, start in
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
        return logProbabilities(fromHidden: prefixRows, targets: Array(tokens.dropFirst()))
    }
}
