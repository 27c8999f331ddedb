import TKGGUF
import TKKernels

/// Qwen3 family (dense Qwen3 models).
///
/// Qwen2's block without the Q/K/V biases and with QK-norm: each query and key head is
/// RMS-normalised (`attn_q_norm`, `attn_k_norm`, one weight of `headDim` shared by all heads)
/// before NeoX-style RoPE.
public enum Qwen3: Architecture {
    public static let names = ["qwen3"]

    public static func config(from gguf: GGUFFile) throws -> ModelConfig {
        try StandardLayout.config(gguf, arch: "qwen3", ropeNeox: true, attentionBias: false)
    }

    public static func weights(config c: ModelConfig, loader: TensorLoader) throws -> ModelWeights {
        try StandardLayout.weights(config: c, loader: loader) { l in
            Qwen3Block(weights: try LlamaBlock.Weights(layer: l, config: c, loader: loader),
                       queryNorm: try loader.vector("blk.\(l).attn_q_norm.weight", count: c.headDim),
                       keyNorm: try loader.vector("blk.\(l).attn_k_norm.weight", count: c.headDim))
        }
    }
}

/// The Qwen3 block: the Llama block with QK-norm between the projections and RoPE.
public struct Qwen3Block: TransformerBlock {
    public let weights: LlamaBlock.Weights
    public let queryNorm: [Float]
    public let keyNorm: [Float]

    public var identifyingValues: [[Float]] {
        [weights.attentionNorm, weights.ffnNorm, weights.wq.row(0), weights.wo.row(0), queryNorm, keyNorm]
    }

    public func forward(_ step: BlockStep) {
        let w = weights, x = step.x, c = step.config
        step.rmsNorm(x, w.attentionNorm, into: step.normed)
        step.compute.matmul(step.normed, [(w.wq, step.q), (w.wk, step.k), (w.wv, step.v)])
        Elementwise.headRMSNorm(step.q, heads: c.heads, weight: queryNorm, epsilon: c.normEpsilon)
        Elementwise.headRMSNorm(step.k, heads: c.kvHeads, weight: keyNorm, epsilon: c.normEpsilon)
        let heads = step.attend(q: step.q, k: step.k, v: step.v, ropeBase: c.ropeBase)
        step.compute.matmul(heads, w.wo, into: step.projected)
        x.add(step.projected)

        step.rmsNorm(x, w.ffnNorm, into: step.normed)
        x.add(step.gatedFeedForward(step.normed, gate: w.gate, up: w.up, down: w.down, activation: .swiGLU))
    }
}
