import TKGGUF
import TKKernels

/// Gemma 3 (text): Gemma 3 270M, 1B, 4B, 12B, 27B as llama.cpp converts them.
///
/// Differences from the Llama block, each from Gemma 3's reference implementation (transformers'
/// `modeling_gemma3.py`) and llama.cpp's `gemma3` graph:
/// - token embeddings are multiplied by √dim before block 0;
/// - RMSNorm before *and after* both attention and the feed-forward (`post_attention_norm`,
///   `post_ffw_norm`); Gemma normalises with `(1 + w)`, and llama.cpp's converter stores `1 + w`,
///   so the stored weights multiply as in every other family;
/// - QK-norm: each query and key head is RMS-normalised (`attn_q_norm`, `attn_k_norm`) before RoPE;
/// - GELU (tanh approximation) gated feed-forward;
/// - five local layers attending to a sliding window of `attention.sliding_window` positions with
///   RoPE base 10,000, then one global layer with the model's `rope.freq_base`, repeating;
/// - NeoX-style RoPE, tied embeddings, no biases, no soft-capping.
public enum Gemma3: Architecture {
    public static let names = ["gemma3"]

    /// Local layers per period of the local/global pattern (llama.cpp: `set_swa_pattern(6)`, the
    /// sixth layer of each period is global); an `attention.sliding_window_pattern` key overrides it.
    static let defaultPattern = 6
    /// RoPE base of the local layers, fixed by Gemma 3 (`rope_local_base_freq`) and not written by
    /// llama.cpp's converter; a `rope.freq_base_swa` key overrides it.
    static let defaultLocalRopeBase: Float = 10_000

    public static func config(from gguf: GGUFFile) throws -> ModelConfig {
        try rejectRopeScaling(gguf)
        return try StandardLayout.config(gguf, arch: "gemma3", ropeNeox: true, attentionBias: false)
    }

    public static func weights(config c: ModelConfig, loader: TensorLoader) throws -> ModelWeights {
        let gguf = loader.gguf
        let window = try gguf.requireInt("gemma3.attention.sliding_window")
        guard window > 0 else {
            throw EngineError(.badConfig, "gemma3.attention.sliding_window is \(window); it must be a positive number of positions — the GGUF metadata is damaged: download the file again")
        }
        let pattern = try gguf.optionalInt("gemma3.attention.sliding_window_pattern") ?? defaultPattern
        guard pattern > 0 else {
            throw EngineError(.badConfig, "gemma3.attention.sliding_window_pattern is \(pattern); it must be positive — the GGUF metadata is damaged: download the file again")
        }
        let localBase = try gguf.optionalDouble("gemma3.rope.freq_base_swa").map(Float.init) ?? defaultLocalRopeBase
        return try StandardLayout.weights(config: c, loader: loader, blocks: { l in
            let local = l % pattern < pattern - 1
            return GemmaBlock(weights: try GemmaBlock.Weights(layer: l, config: c, loader: loader, queryKeyNorm: true),
                              ropeBase: local ? localBase : c.ropeBase,
                              attention: AttentionVariant(window: local ? window : nil))
        }, embeddingScale: Float(c.dim).squareRoot())
    }

    /// Gemma 3 4B and larger stretch the global layers' RoPE (linear scaling, factor 8); this
    /// engine does not, so such a file is refused rather than run with wrong positions.
    static func rejectRopeScaling(_ gguf: GGUFFile) throws {
        let type = gguf["gemma3.rope.scaling.type"]?.stringValue
        let factor = try gguf.optionalDouble("gemma3.rope.scaling.factor")
        if (type != nil && type != "none") || (factor != nil && factor != 1) {
            throw EngineError(.badConfig, "this Gemma 3 model uses RoPE scaling (gemma3.rope.scaling.type \(type ?? "?"), factor \(factor.map { String($0) } ?? "?")), which this engine does not implement; use Gemma 3 270M or 1B, which need none")
        }
    }
}
