import TKKernels

/// What a block sees while it runs one batch: the residual stream, the session's scratch and
/// cache for its layer, and the shared operations every family builds its block from.
///
/// A block changes `x` only through these operations and the kernels, so caching, hooks and
/// prefix sharing work the same in every family.
public struct BlockStep {
    let session: InferenceSession
    /// Index of the block being run.
    public let layer: Int
    public let batch: Batch
    /// Cache rows before this batch (its first row's cache index).
    public let prefix: Int
    let hooks: Hooks
    let context: (HookPoint) -> () -> HookContext

    public var config: ModelConfig { session.model.config }
    public var compute: ComputeContext { session.compute }
    /// The residual stream, `n × dim`.
    public var x: FloatMatrix { session.x }
    /// Scratch, `n × dim`: the normalised input of a sub-block.
    public var normed: FloatMatrix { session.normed }
    /// Scratch for queries (`n × qDim`), keys and values (`n × kvDim`).
    public var q: FloatMatrix { session.q }
    public var k: FloatMatrix { session.k }
    public var v: FloatMatrix { session.v }
    /// Scratch, `n × dim`: a sub-block's output before it joins the residual stream.
    public var projected: FloatMatrix { session.projected }
    /// Scratch, `n × hiddenDim`: the feed-forward's gate and up projections.
    public var gate: FloatMatrix { session.gate }
    public var up: FloatMatrix { session.up }

    /// A scratch matrix of `cols` columns kept by the session under `name`, for families whose
    /// block needs a buffer the others do not (a fused projection's output, say).
    public func scratch(_ name: String, cols: Int) -> FloatMatrix {
        session.scratch(name, cols: cols)
    }

    /// RMSNorm of every row of `input` with the model's epsilon into `output` (may be `input`).
    public func rmsNorm(_ input: FloatMatrix, _ weight: [Float], into output: FloatMatrix) {
        Elementwise.rmsNorm(input, weight: weight, epsilon: config.normEpsilon, into: output)
    }

    /// Self-attention of the batch's `q`, `k`, `v` (already projected, biased and normed as the
    /// family wants): rotary embedding with `ropeBase`, the keys and values appended to this
    /// layer's cache, attention of the kind `variant` says, then the `blocks.L.attn.heads` hooks.
    /// `frequencyFactors` are Llama 3's RoPE scaling divisors (`rope_freqs.weight`).
    /// Returns each head's output before the output projection (`n × qDim`).
    public func attend(q: FloatMatrix, k: FloatMatrix, v: FloatMatrix, ropeBase: Float,
                       frequencyFactors: [Float]? = nil, variant: AttentionVariant = .standard) -> FloatMatrix {
        let c = config, n = batch.tokens.count, l = layer
        Elementwise.rope(q, heads: c.heads, headDim: c.headDim, ropeDim: c.ropeDim, positions: batch.positions, base: ropeBase, neox: c.ropeNeox,
                         frequencyFactors: frequencyFactors)
        Elementwise.rope(k, heads: c.kvHeads, headDim: c.headDim, ropeDim: c.ropeDim, positions: batch.positions, base: ropeBase, neox: c.ropeNeox,
                         frequencyFactors: frequencyFactors)
        let keys = session.keys[l], values = session.values[l]
        keys.resize(rows: prefix + n)
        values.resize(rows: prefix + n)
        keys.copyRows(from: k, 0..<n, to: prefix)
        values.copyRows(from: v, 0..<n, to: prefix)
        let format = session.options.kvCache
        format.storeRows(keys, prefix..<(prefix + n))
        format.storeRows(values, prefix..<(prefix + n))
        let heads = session.heads
        compute.attention(q: q, keys: keys, values: values, prefix: prefix, segment: batch.segments,
                          heads: c.heads, kvHeads: c.kvHeads, headDim: c.headDim, variant: variant,
                          positions: batch.positions, cacheFormat: format, into: heads)
        hooks.run(.attentionHeads(layer: l), heads, context(.attentionHeads(layer: l)))
        return heads
    }

    /// The activation between a gated feed-forward's gate and up projections.
    public enum GatedActivation: Sendable {
        /// silu(gate) · up (Llama, Qwen, Mistral, Phi-3).
        case swiGLU
        /// gelu_tanh(gate) · up (Gemma).
        case gegluTanh
    }

    /// `down(act(gate(input)) · up(input))` into `projected` (`n × dim`), which is returned; the
    /// `blocks.L.ffn.act` hooks see (and may edit) the neuron activations before `down`.
    public func gatedFeedForward(_ input: FloatMatrix, gate gateWeight: QuantizedMatrix, up upWeight: QuantizedMatrix,
                                 down: QuantizedMatrix, activation: GatedActivation) -> FloatMatrix {
        compute.matmul(input, [(gateWeight, gate), (upWeight, up)])
        switch activation {
        case .swiGLU: Elementwise.swiGLU(gate: gate, up: up)
        case .gegluTanh: Elementwise.gegluTanh(gate: gate, up: up)
        }
        hooks.run(.feedForward(layer: layer), gate, context(.feedForward(layer: layer)))
        compute.matmul(gate, down, into: projected)
        return projected
    }
}
