/// The well-known architecture settings of a GGUF model, read leniently for display.
///
/// Every field is optional: this describes what a file says, it does not validate it. The Engine
/// reads the settings it needs with `GGUFFile.requireInt(_:)` and friends, which throw naming
/// the missing key. Architecture-scoped keys are looked up under `general.architecture`, so a
/// `qwen2` file's `qwen2.block_count` lands in `blockCount` just as `llama.block_count` does.
public struct GGUFHyperparameters: Sendable, Equatable, Codable {
    /// `general.architecture`, e.g. `llama`.
    public var architecture: String?
    /// `general.name`.
    public var name: String?
    /// Number of transformer blocks (`<arch>.block_count`).
    public var blockCount: Int?
    /// Training context length in tokens (`<arch>.context_length`).
    public var contextLength: Int?
    /// Model width, `dim` (`<arch>.embedding_length`).
    public var embeddingLength: Int?
    /// Hidden width of the feed-forward block, `hiddenDim` (`<arch>.feed_forward_length`).
    public var feedForwardLength: Int?
    /// Attention heads (`<arch>.attention.head_count`).
    public var headCount: Int?
    /// Key/value heads (`<arch>.attention.head_count_kv`); equal to `headCount` when absent.
    public var headCountKV: Int?
    /// Width of one head: `<arch>.attention.key_length`, else `embeddingLength / headCount`.
    public var headDim: Int?
    /// RoPE base frequency (`<arch>.rope.freq_base`).
    public var ropeFreqBase: Double?
    /// Number of rotated dimensions per head (`<arch>.rope.dimension_count`).
    public var ropeDimensionCount: Int?
    /// Epsilon of the RMS norm, or of the layer norm when the model has no RMS norm.
    public var normEpsilon: Double?
    /// `<arch>.vocab_size`, else the length of `tokenizer.ggml.tokens`.
    public var vocabSize: Int?
    /// `tokenizer.ggml.model`, e.g. `gpt2` or `llama`.
    public var tokenizerModel: String?
    /// `tokenizer.ggml.pre`, the pre-tokenizer, e.g. `smollm`.
    public var tokenizerPre: String?

    /// Reads the settings out of `file`'s metadata; anything absent or mistyped stays nil.
    public init(file: GGUFFile) {
        architecture = file.architecture
        name = file["general.name"]?.stringValue
        blockCount = file[architectureKey: "block_count"]?.intValue
        contextLength = file[architectureKey: "context_length"]?.intValue
        embeddingLength = file[architectureKey: "embedding_length"]?.intValue
        feedForwardLength = file[architectureKey: "feed_forward_length"]?.intValue
        headCount = file[architectureKey: "attention.head_count"]?.intValue
        headCountKV = file[architectureKey: "attention.head_count_kv"]?.intValue ?? headCount
        if let keyLength = file[architectureKey: "attention.key_length"]?.intValue {
            headDim = keyLength
        } else if let embeddingLength, let headCount, headCount > 0 {
            headDim = embeddingLength / headCount
        }
        ropeFreqBase = file[architectureKey: "rope.freq_base"]?.doubleValue
        ropeDimensionCount = file[architectureKey: "rope.dimension_count"]?.intValue
        normEpsilon = (file[architectureKey: "attention.layer_norm_rms_epsilon"]
            ?? file[architectureKey: "attention.layer_norm_epsilon"])?.doubleValue
        vocabSize = file[architectureKey: "vocab_size"]?.intValue
            ?? file["tokenizer.ggml.tokens"]?.arrayValue?.count
        tokenizerModel = file["tokenizer.ggml.model"]?.stringValue
        tokenizerPre = file["tokenizer.ggml.pre"]?.stringValue
    }
}

extension GGUFFile {
    /// The well-known architecture settings, read leniently (see `GGUFHyperparameters`).
    public var hyperparameters: GGUFHyperparameters { GGUFHyperparameters(file: self) }
}
