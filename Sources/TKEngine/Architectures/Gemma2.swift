import TKGGUF
import TKKernels

/// Gemma 2 (2B, 9B). Queries are scaled by 1/√headDim as in these sizes; Gemma 2 27B scales by
/// 1/√(dim/heads) instead, which the file does not say and this engine does not yet special-case.
///
/// The Gemma block (√dim embedding scale, norms before and after attention and the
/// feed-forward, GELU-tanh gated feed-forward, NeoX RoPE, tied embeddings) without QK-norm, with:
/// - attention scores soft-capped, `50 · tanh(s / 50)` (`gemma2.attn_logit_softcapping`);
/// - final logits soft-capped, `30 · tanh(z / 30)` (`gemma2.final_logit_softcapping`);
/// - a sliding window on the even layers (llama.cpp: `set_swa_pattern(2)`), one RoPE base for all.
public enum Gemma2: Architecture {
    public static let names = ["gemma2"]

    public static func config(from gguf: GGUFFile) throws -> ModelConfig {
        try StandardLayout.config(gguf, arch: "gemma2", ropeNeox: true, attentionBias: false)
    }

    public static func weights(config c: ModelConfig, loader: TensorLoader) throws -> ModelWeights {
        let gguf = loader.gguf
        let window = try StandardLayout.slidingWindow(gguf, arch: "gemma2")
        let attentionCap = try positiveCap(gguf, "gemma2.attn_logit_softcapping")
        let logitCap = try positiveCap(gguf, "gemma2.final_logit_softcapping")
        return try StandardLayout.weights(config: c, loader: loader, blocks: { l in
            GemmaBlock(weights: try GemmaBlock.Weights(layer: l, config: c, loader: loader, queryKeyNorm: false),
                       ropeBase: c.ropeBase,
                       attention: AttentionVariant(window: l % 2 == 0 ? window : nil, softcap: attentionCap))
        }, embeddingScale: Float(c.dim).squareRoot(), logitSoftcap: logitCap)
    }

    /// A soft-capping value: absent means none; present must be a positive finite number.
    static func positiveCap(_ gguf: GGUFFile, _ key: String) throws -> Float? {
        guard let value = try gguf.optionalDouble(key) else { return nil }
        guard value.isFinite, value > 0 else {
            throw EngineError(.badConfig, "\(key) is \(value); a soft-capping value must be a positive number — the GGUF metadata is damaged: download the file again")
        }
        return Float(value)
    }
}
