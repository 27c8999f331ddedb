import TKGGUF
import TKKernels

extension InferenceSession {
    /// Runs `batch` through every block (or those `options` run: early exit, layer skipping),
    /// appending its keys/values to the cache.
    ///
    /// Returns the last block's residual stream (before the final norm) for `batch.outputRows`,
    /// as `outputRows.count × dim`; turn it into logits with `logits(fromHidden:)`.
    /// Hooks run at their points with the whole batch's activations and may edit them.
    @discardableResult
    public func forward(_ batch: Batch, hooks: Hooks = Hooks()) throws -> FloatMatrix {
        let c = model.config
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
        if !hooks.isEmpty {
            try hooks.validate(for: c)
            if !options.isStandard { try options.validate(hooks: hooks, for: c) }
        }
        let prefix = length
        let context = { (point: HookPoint) in
            { HookContext(point: point, tokens: batch.tokens, positions: batch.positions, segments: batch.segments, config: c) }
        }

        embed(batch)
        hooks.run(.embedding, x, context(.embedding))
        for l in layersRun {
            runLayer(l, batch: batch, prefix: prefix, hooks: hooks, context: context)
        }
        // One scan of the last residual (n × dim, negligible beside the matmuls) catches a NaN or
        // infinity from any layer: attention spreads a bad key or value to every later row. Only
        // when it fails is the batch run again, checking after each layer, to name the culprit.
        if !Self.isFinite(x) {
            throw locateNonFinite(batch: batch, prefix: prefix, hooks: hooks, context: context)
        }
        length = prefix + n
        cachedTokens += batch.tokens

        let out = FloatMatrix(rows: batch.outputRows.count, cols: c.dim)
        for (i, r) in batch.outputRows.enumerated() { out.copyRows(from: x, r..<(r + 1), to: i) }
        return out
    }

    private func embed(_ batch: Batch) {
        x.resize(rows: batch.tokens.count)
        for (i, t) in batch.tokens.enumerated() { model.weights.tokenEmbedding.dequantizeRow(Int(t), into: x, row: i) }
        if let factor = model.weights.embeddingScale { Elementwise.scale(x, by: factor) }
    }

    /// Block `l` over the batch in `x` (the family's own computation, appending to the cache from
    /// row `prefix`), then the `blocks.L.residual` hooks.
    private func runLayer(_ l: Int, batch: Batch, prefix: Int, hooks: Hooks, context: @escaping (HookPoint) -> () -> HookContext) {
        let step = BlockStep(session: self, layer: l, batch: batch, prefix: prefix, hooks: hooks, context: context)
        model.weights.blocks[l].forward(step)
        hooks.run(.residual(layer: l), x, context(.residual(layer: l)))
    }

    /// True when every element of `m` is a finite number.
    static func isFinite(_ m: FloatMatrix) -> Bool {
        m.values.allSatisfy(\.isFinite)
    }

    /// Runs the batch again from the embedding, checking the residual stream after each block,
    /// and returns the error naming the first place it stopped being finite. The cache rows of
    /// this batch are rewritten (they were bad anyway) and `length` is left unchanged.
    private func locateNonFinite(batch: Batch, prefix: Int, hooks: Hooks, context: @escaping (HookPoint) -> () -> HookContext) -> EngineError {
        let intervened = hooks.isEmpty ? "" : " (or an intervention hook produced it: try again without one)"
        func damaged(_ place: String) -> EngineError {
            EngineError(.damagedModel, "\(place) became non-finite (NaN or infinity) while running \(GGUFText.forError(model.path))\(intervened); the model file is damaged — download it again and verify its checksum")
        }
        embed(batch)
        guard Self.isFinite(x) else {
            let row = (0..<x.rows).first { !x.row($0).allSatisfy(\.isFinite) } ?? 0
            return damaged("the token embedding (token_embd.weight, row of token \(batch.tokens[row]))")
        }
        hooks.run(.embedding, x, context(.embedding))
        if !Self.isFinite(x) { return damaged("the embedding output") }
        for l in layersRun {
            runLayer(l, batch: batch, prefix: prefix, hooks: hooks, context: context)
            if !Self.isFinite(x) { return damaged("the residual stream after layer \(l) (tensors blk.\(l).*)") }
        }
        return damaged("the residual stream")
    }
}
