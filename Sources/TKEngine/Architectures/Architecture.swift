import TKGGUF
import TKKernels

/// How one model family maps GGUF metadata and tensor names onto the shared transformer.
///
/// Each family is one file (`Llama.swift`, `Qwen2.swift`); the forward pass itself is shared
/// (`InferenceSession+Forward.swift`) and driven by `ModelConfig` flags.
public protocol Architecture {
    /// `general.architecture` values this family reads.
    static var names: [String] { get }
    static func config(from gguf: GGUFFile) throws -> ModelConfig
    static func weights(config: ModelConfig, loader: TensorLoader) throws -> ModelWeights
}

/// The families this build runs, keyed by `general.architecture`.
public enum ArchitectureRegistry {
    public static let all: [any Architecture.Type] = [Llama.self, Qwen2.self]

    public static var supportedNames: [String] { all.flatMap { $0.names } }

    public static func architecture(named name: String) throws -> any Architecture.Type {
        guard let a = all.first(where: { $0.names.contains(name) }) else {
            throw EngineError(.unknownArchitecture, "Unknown architecture '\(name)'. Supported: \(supportedNames.joined(separator: ", ")). Use a GGUF of one of these families")
        }
        return a
    }
}

/// Shared helpers for the usual `{arch}.*` keys and `blk.N.*` tensor names of llama.cpp's converter.
enum StandardLayout {
    static func config(_ gguf: GGUFFile, arch: String, ropeNeox: Bool, attentionBias: Bool) throws -> ModelConfig {
        let dim = try gguf.requireInt("\(arch).embedding_length")
        let heads = try gguf.requireInt("\(arch).attention.head_count")
        let kvHeads = gguf["\(arch).attention.head_count_kv"]?.intValue ?? heads
        guard heads > 0, dim % heads == 0 else {
            throw EngineError(.badConfig, "embedding_length \(dim) is not divisible by head_count \(heads)")
        }
        let headDim = gguf["\(arch).attention.key_length"]?.intValue ?? dim / heads
        let vocab = gguf["\(arch).vocab_size"]?.intValue
            ?? gguf["tokenizer.ggml.tokens"]?.arrayValue?.count
            ?? gguf.tensor(named: "token_embd.weight")?.shape.last ?? 0
        let config = ModelConfig(
            architecture: arch,
            layers: try gguf.requireInt("\(arch).block_count"),
            dim: dim,
            hiddenDim: try gguf.requireInt("\(arch).feed_forward_length"),
            heads: heads,
            kvHeads: kvHeads,
            headDim: headDim,
            vocabSize: vocab,
            contextLength: gguf["\(arch).context_length"]?.intValue ?? 2048,
            normEpsilon: Float(gguf["\(arch).attention.layer_norm_rms_epsilon"]?.doubleValue ?? 1e-5),
            ropeBase: Float(gguf["\(arch).rope.freq_base"]?.doubleValue ?? 10000),
            ropeDim: gguf["\(arch).rope.dimension_count"]?.intValue ?? headDim,
            ropeNeox: ropeNeox,
            attentionBias: attentionBias)
        try config.validate()
        return config
    }

    static func weights(config c: ModelConfig, loader: TensorLoader) throws -> ModelWeights {
        let embedding = try loader.matrix("token_embd.weight", rows: c.vocabSize, cols: c.dim)
        var layers: [LayerWeights] = []
        for l in 0..<c.layers {
            let p = "blk.\(l)."
            layers.append(LayerWeights(
                attentionNorm: try loader.vector(p + "attn_norm.weight", count: c.dim),
                wq: try loader.matrix(p + "attn_q.weight", rows: c.qDim, cols: c.dim),
                wk: try loader.matrix(p + "attn_k.weight", rows: c.kvDim, cols: c.dim),
                wv: try loader.matrix(p + "attn_v.weight", rows: c.kvDim, cols: c.dim),
                wo: try loader.matrix(p + "attn_output.weight", rows: c.dim, cols: c.qDim),
                bq: c.attentionBias ? try loader.vector(p + "attn_q.bias", count: c.qDim) : nil,
                bk: c.attentionBias ? try loader.vector(p + "attn_k.bias", count: c.kvDim) : nil,
                bv: c.attentionBias ? try loader.vector(p + "attn_v.bias", count: c.kvDim) : nil,
                ffnNorm: try loader.vector(p + "ffn_norm.weight", count: c.dim),
                gate: try loader.matrix(p + "ffn_gate.weight", rows: c.hiddenDim, cols: c.dim),
                up: try loader.matrix(p + "ffn_up.weight", rows: c.hiddenDim, cols: c.dim),
                down: try loader.matrix(p + "ffn_down.weight", rows: c.dim, cols: c.hiddenDim)))
        }
        // Models with tied embeddings (SmolLM2, Qwen2-0.5B) ship no output.weight.
        let output = loader.has("output.weight")
            ? try loader.matrix("output.weight", rows: c.vocabSize, cols: c.dim)
            : embedding
        return ModelWeights(tokenEmbedding: embedding, layers: layers,
                            outputNorm: try loader.vector("output_norm.weight", count: c.dim), output: output)
    }
}
