import TKKernels

extension InferenceSession {
    /// Runs `batch` through every block, appending its keys/values to the cache.
    ///
    /// Returns the last block's residual stream (before the final norm) for `batch.outputRows`,
    /// as `outputRows.count × dim`; turn it into logits with `logits(fromHidden:)`.
    /// Hooks run at their points with the whole batch's activations and may edit them.
    @discardableResult
    public func forward(_ batch: Batch, hooks: Hooks = Hooks()) throws -> FloatMatrix {
        let c = model.config, w = model.weights
        let n = batch.tokens.count
        guard n > 0 else { throw EngineError(.invalidRequest, "forward pass needs at least one token") }
        guard length + n <= c.contextLength else {
            throw EngineError(.contextOverflow, "\(length + n) tokens exceed the model's context window of \(c.contextLength); shorten the prompt or use fewer few-shot examples")
        }
        for t in batch.tokens where t < 0 || Int(t) >= c.vocabSize {
            throw EngineError(.invalidRequest, "token id \(t) is outside the vocabulary (0..<\(c.vocabSize))")
        }
        for r in batch.outputRows where r < 0 || r >= n {
            throw EngineError(.invalidRequest, "output row \(r) is outside the batch of \(n)")
        }
        if !hooks.isEmpty { try hooks.validate(for: c) }
        let prefix = length
        let context = { (point: HookPoint) in
            { HookContext(point: point, tokens: batch.tokens, positions: batch.positions, segments: batch.segments, config: c) }
        }

        x.resize(rows: n)
        for (i, t) in batch.tokens.enumerated() { w.tokenEmbedding.dequantizeRow(Int(t), into: x, row: i) }
        hooks.run(.embedding, x, context(.embedding))

        for l in 0..<c.layers {
            let lw = w.layers[l]
            Elementwise.rmsNorm(x, weight: lw.attentionNorm, epsilon: c.normEpsilon, into: normed)
            compute.matmul(normed, [(lw.wq, q), (lw.wk, k), (lw.wv, v)])
            if let b = lw.bq { Elementwise.addBias(q, b) }
            if let b = lw.bk { Elementwise.addBias(k, b) }
            if let b = lw.bv { Elementwise.addBias(v, b) }
            Elementwise.rope(q, heads: c.heads, headDim: c.headDim, ropeDim: c.ropeDim, positions: batch.positions, base: c.ropeBase, neox: c.ropeNeox)
            Elementwise.rope(k, heads: c.kvHeads, headDim: c.headDim, ropeDim: c.ropeDim, positions: batch.positions, base: c.ropeBase, neox: c.ropeNeox)
            keys[l].resize(rows: prefix + n)
            values[l].resize(rows: prefix + n)
            keys[l].copyRows(from: k, 0..<n, to: prefix)
            values[l].copyRows(from: v, 0..<n, to: prefix)
            compute.attention(q: q, keys: keys[l], values: values[l], prefix: prefix, segment: batch.segments,
                              heads: c.heads, kvHeads: c.kvHeads, headDim: c.headDim, into: heads)
            hooks.run(.attentionHeads(layer: l), heads, context(.attentionHeads(layer: l)))
            compute.matmul(heads, lw.wo, into: projected)
            x.add(projected)

            Elementwise.rmsNorm(x, weight: lw.ffnNorm, epsilon: c.normEpsilon, into: normed)
            compute.matmul(normed, [(lw.gate, gate), (lw.up, up)])
            Elementwise.swiGLU(gate: gate, up: up)
            compute.matmul(gate, lw.down, into: projected)
            x.add(projected)
            hooks.run(.residual(layer: l), x, context(.residual(layer: l)))
        }
        length = prefix + n
        cachedTokens += batch.tokens

        let out = FloatMatrix(rows: batch.outputRows.count, cols: c.dim)
        for (i, r) in batch.outputRows.enumerated() { out.copyRows(from: x, r..<(r + 1), to: i) }
        return out
    }
}
