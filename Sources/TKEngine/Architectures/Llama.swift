import TKGGUF
import TKKernels

/// Llama family: Llama 2/3, Mistral, TinyLlama, SmolLM2.
///
/// RMSNorm pre-norm blocks, grouped-query attention without biases, SwiGLU feed-forward, and
/// RoPE on adjacent pairs — llama.cpp's converter permutes Q/K rows so that the pair layout holds.
/// Llama 3.1+'s RoPE scaling arrives as per-frequency divisors in `rope_freqs.weight`; Mistral's
/// sliding window, when the file gives one, as `llama.attention.sliding_window`.
public enum Llama: Architecture {
    public static let names = ["llama"]

    public static func config(from gguf: GGUFFile) throws -> ModelConfig {
        try StandardLayout.config(gguf, arch: "llama", ropeNeox: false, attentionBias: false)
    }

    public static func weights(config: ModelConfig, loader: TensorLoader) throws -> ModelWeights {
        let window = try StandardLayout.slidingWindow(loader.gguf, arch: "llama")
        let factors = loader.has("rope_freqs.weight") ? try loader.vector("rope_freqs.weight", count: config.ropeDim / 2) : nil
        return try StandardLayout.weights(config: config, loader: loader) { l in
            LlamaBlock(weights: try LlamaBlock.Weights(layer: l, config: config, loader: loader),
                       frequencyFactors: factors, attention: AttentionVariant(window: window))
        }
    }
}

/// The Llama block: `x += wo·attn(norm(x))`, then `x += down(silu(gate·h) · up·h)` with `h = norm(x)`.
///
/// Qwen2 runs the same block with biases on Q, K and V, Phi-3 with fused projections.
public struct LlamaBlock: TransformerBlock {
    public struct Weights: Sendable {
        public var attentionNorm: [Float]
        public var wq: QuantizedMatrix
        public var wk: QuantizedMatrix
        public var wv: QuantizedMatrix
        public var wo: QuantizedMatrix
        public var bq: [Float]?
        public var bk: [Float]?
        public var bv: [Float]?
        public var ffnNorm: [Float]
        public var gate: QuantizedMatrix
        public var up: QuantizedMatrix
        public var down: QuantizedMatrix

        /// Block `layer`'s tensors under llama.cpp's names (`blk.L.attn_q.weight`, …); the Q/K/V
        /// biases when `config.attentionBias` says the family has them. `fused`: Q, K, V stacked in
        /// `attn_qkv.weight` and gate, up in `ffn_up.weight` (Phi-3), read as row ranges in place.
        init(layer l: Int, config c: ModelConfig, loader: TensorLoader, fused: Bool = false) throws {
            let p = "blk.\(l)."
            attentionNorm = try loader.vector(p + "attn_norm.weight", count: c.dim)
            if fused {
                let qkv = try loader.fusedMatrix(p + "attn_qkv.weight", parts: [c.qDim, c.kvDim, c.kvDim], cols: c.dim)
                (wq, wk, wv) = (qkv[0], qkv[1], qkv[2])
            } else {
                wq = try loader.matrix(p + "attn_q.weight", rows: c.qDim, cols: c.dim)
                wk = try loader.matrix(p + "attn_k.weight", rows: c.kvDim, cols: c.dim)
                wv = try loader.matrix(p + "attn_v.weight", rows: c.kvDim, cols: c.dim)
            }
            wo = try loader.matrix(p + "attn_output.weight", rows: c.dim, cols: c.qDim)
            bq = c.attentionBias ? try loader.vector(p + "attn_q.bias", count: c.qDim) : nil
            bk = c.attentionBias ? try loader.vector(p + "attn_k.bias", count: c.kvDim) : nil
            bv = c.attentionBias ? try loader.vector(p + "attn_v.bias", count: c.kvDim) : nil
            ffnNorm = try loader.vector(p + "ffn_norm.weight", count: c.dim)
            if fused {
                let gateUp = try loader.fusedMatrix(p + "ffn_up.weight", parts: [c.hiddenDim, c.hiddenDim], cols: c.dim)
                (gate, up) = (gateUp[0], gateUp[1])
            } else {
                gate = try loader.matrix(p + "ffn_gate.weight", rows: c.hiddenDim, cols: c.dim)
                up = try loader.matrix(p + "ffn_up.weight", rows: c.hiddenDim, cols: c.dim)
            }
            down = try loader.matrix(p + "ffn_down.weight", rows: c.dim, cols: c.hiddenDim)
        }
    }

    public let weights: Weights
    /// Llama 3's RoPE scaling divisors, one per rotated pair; nil for plain RoPE.
    public let frequencyFactors: [Float]?
    /// Mistral-style sliding window (`llama.attention.sliding_window`); plain attention when nil.
    public let attention: AttentionVariant

    public init(weights: Weights, frequencyFactors: [Float]? = nil, attention: AttentionVariant = .standard) {
        self.weights = weights
        self.frequencyFactors = frequencyFactors
        self.attention = attention
    }

    public var identifyingValues: [[Float]] {
        [weights.attentionNorm, weights.ffnNorm, weights.wq.row(0), weights.wo.row(0)]
    }

    public func forward(_ step: BlockStep) {
        let w = weights, x = step.x
        step.rmsNorm(x, w.attentionNorm, into: step.normed)
        step.compute.matmul(step.normed, [(w.wq, step.q), (w.wk, step.k), (w.wv, step.v)])
        if let b = w.bq { Elementwise.addBias(step.q, b) }
        if let b = w.bk { Elementwise.addBias(step.k, b) }
        if let b = w.bv { Elementwise.addBias(step.v, b) }
        let heads = step.attend(q: step.q, k: step.k, v: step.v, ropeBase: step.config.ropeBase,
                                frequencyFactors: frequencyFactors, variant: attention)
        step.compute.matmul(heads, w.wo, into: step.projected)
        x.add(step.projected)

        step.rmsNorm(x, w.ffnNorm, into: step.normed)
        x.add(step.gatedFeedForward(step.normed, gate: w.gate, up: w.up, down: w.down, activation: .swiGLU))
    }
}
