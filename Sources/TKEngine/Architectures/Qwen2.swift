import TKGGUF

/// Qwen2 family (Qwen2, Qwen2.5).
///
/// The Llama block with biases on the Q, K and V projections, and NeoX-style RoPE (rotating the
/// two halves of each head rather than adjacent pairs).
public enum Qwen2: Architecture {
    public static let names = ["qwen2"]

    public static func config(from gguf: GGUFFile) throws -> ModelConfig {
        try StandardLayout.config(gguf, arch: "qwen2", ropeNeox: true, attentionBias: true)
    }

    public static func weights(config: ModelConfig, loader: TensorLoader) throws -> ModelWeights {
        try StandardLayout.weights(config: config, loader: loader) { l in
            LlamaBlock(weights: try LlamaBlock.Weights(layer: l, config: config, loader: loader))
        }
    }
}
