import TKGGUF

/// Llama family: Llama 2/3, Mistral, TinyLlama, SmolLM2.
///
/// RMSNorm pre-norm blocks, grouped-query attention without biases, SwiGLU feed-forward, and
/// RoPE on adjacent pairs — llama.cpp's converter permutes Q/K rows so that the pair layout holds.
public enum Llama: Architecture {
    public static let names = ["llama"]

    public static func config(from gguf: GGUFFile) throws -> ModelConfig {
        try StandardLayout.config(gguf, arch: "llama", ropeNeox: false, attentionBias: false)
    }

    public static func weights(config: ModelConfig, loader: TensorLoader) throws -> ModelWeights {
        try StandardLayout.weights(config: config, loader: loader)
    }
}
