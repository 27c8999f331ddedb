import TKGGUF
import TKKernels

/// Phi-3 family (Phi-3 mini/medium with a 4k context, Phi-3.5 mini without LongRoPE).
///
/// The Llama block with NeoX-style RoPE, whose Q, K and V projections are stored fused as one
/// `attn_qkv.weight` (Q rows, then K, then V) and gate and up as one `ffn_up.weight` (gate rows,
/// then up). The fused tensors are split into row ranges of the mapped file at load time, so the
/// block runs the three (two) products exactly as the unfused families do. LongRoPE checkpoints
/// (`rope_factors_long.weight`) are refused as unused tensors.
public enum Phi3: Architecture {
    public static let names = ["phi3"]

    public static func config(from gguf: GGUFFile) throws -> ModelConfig {
        try StandardLayout.config(gguf, arch: "phi3", ropeNeox: true, attentionBias: false)
    }

    public static func weights(config c: ModelConfig, loader: TensorLoader) throws -> ModelWeights {
        let window = try StandardLayout.slidingWindow(loader.gguf, arch: "phi3")
        return try StandardLayout.weights(config: c, loader: loader) { l in
            LlamaBlock(weights: try LlamaBlock.Weights(layer: l, config: c, loader: loader, fused: true),
                       attention: AttentionVariant(window: window))
        }
    }
}
