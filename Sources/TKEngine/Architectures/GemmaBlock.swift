import TKKernels

/// The Gemma 2 and Gemma 3 block:
/// `x += post_attn_norm(wo · attn(norm(x)))`, then `x += post_ffw_norm(down(gelu(gate·h) · up·h))`
/// with `h = ffn_norm(x)`. Gemma 3 adds QK-norm; Gemma 2 soft-caps the attention scores
/// (`attention.softcap`). Norm weights are stored as `1 + w` by llama.cpp's converter.
public struct GemmaBlock: TransformerBlock {
    public struct Weights: Sendable {
        public var attentionNorm: [Float]
        public var wq: QuantizedMatrix
        public var wk: QuantizedMatrix
        public var wv: QuantizedMatrix
        /// Gemma 3's QK-norm weights (`headDim` each); nil in Gemma 2.
        public var queryNorm: [Float]?
        public var keyNorm: [Float]?
        public var wo: QuantizedMatrix
        public var postAttentionNorm: [Float]
        public var ffnNorm: [Float]
        public var gate: QuantizedMatrix
        public var up: QuantizedMatrix
        public var down: QuantizedMatrix
        public var postFeedForwardNorm: [Float]

        init(layer l: Int, config c: ModelConfig, loader: TensorLoader, queryKeyNorm: Bool) throws {
            let p = "blk.\(l)."
            attentionNorm = try loader.vector(p + "attn_norm.weight", count: c.dim)
            wq = try loader.matrix(p + "attn_q.weight", rows: c.qDim, cols: c.dim)
            wk = try loader.matrix(p + "attn_k.weight", rows: c.kvDim, cols: c.dim)
            wv = try loader.matrix(p + "attn_v.weight", rows: c.kvDim, cols: c.dim)
            queryNorm = queryKeyNorm ? try loader.vector(p + "attn_q_norm.weight", count: c.headDim) : nil
            keyNorm = queryKeyNorm ? try loader.vector(p + "attn_k_norm.weight", count: c.headDim) : nil
            wo = try loader.matrix(p + "attn_output.weight", rows: c.dim, cols: c.qDim)
            postAttentionNorm = try loader.vector(p + "post_attention_norm.weight", count: c.dim)
            ffnNorm = try loader.vector(p + "ffn_norm.weight", count: c.dim)
            gate = try loader.matrix(p + "ffn_gate.weight", rows: c.hiddenDim, cols: c.dim)
            up = try loader.matrix(p + "ffn_up.weight", rows: c.hiddenDim, cols: c.dim)
            down = try loader.matrix(p + "ffn_down.weight", rows: c.dim, cols: c.hiddenDim)
            postFeedForwardNorm = try loader.vector(p + "post_ffw_norm.weight", count: c.dim)
        }
    }

    public let weights: Weights
    /// Gemma 3: 10,000 on local layers, the model's `rope.freq_base` on global ones.
    public let ropeBase: Float
    /// A sliding window on local layers, plain attention on global ones; Gemma 2's score soft-cap.
    public let attention: AttentionVariant

    public var identifyingValues: [[Float]] {
        [weights.attentionNorm, weights.ffnNorm, weights.wq.row(0), weights.wo.row(0)]
    }

    public func forward(_ step: BlockStep) {
        let w = weights, x = step.x, c = step.config
        step.rmsNorm(x, w.attentionNorm, into: step.normed)
        step.compute.matmul(step.normed, [(w.wq, step.q), (w.wk, step.k), (w.wv, step.v)])
        if let qn = w.queryNorm, let kn = w.keyNorm {
            Elementwise.headRMSNorm(step.q, heads: c.heads, weight: qn, epsilon: c.normEpsilon)
            Elementwise.headRMSNorm(step.k, heads: c.kvHeads, weight: kn, epsilon: c.normEpsilon)
        }
        let heads = step.attend(q: step.q, k: step.k, v: step.v, ropeBase: ropeBase, variant: attention)
        step.compute.matmul(heads, w.wo, into: step.projected)
        step.rmsNorm(step.projected, w.postAttentionNorm, into: step.projected)
        x.add(step.projected)

        step.rmsNorm(x, w.ffnNorm, into: step.normed)
        let ffn = step.gatedFeedForward(step.normed, gate: w.gate, up: w.up, down: w.down, activation: .gegluTanh)
        step.rmsNorm(ffn, w.postFeedForwardNorm, into: ffn)
        x.add(ffn)
    }
}
