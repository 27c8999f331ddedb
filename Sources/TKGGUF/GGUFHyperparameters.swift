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

    /// `<arch>.attention.value_length`, when the file gives one.
    public var valueLength: Int?

    /// Reads the settings out of `file`'s metadata; anything absent or mistyped stays nil (what
    /// `truthkit inspect` shows of a file it may not be able to run).
    public init(file: GGUFFile) {
        // Lenient reading cannot fail: every mistyped value is read as absent.
        self = (try? Self(file: file, strict: false)) ?? Self()
    }

    /// The same reading for a model about to run: a key that is present with a value of the wrong
    /// type is an error naming the key, never silently a default. The engine applies its defaults
    /// (and checks) on top of this, so inspect and the engine read every key the same way.
    public init(validating file: GGUFFile) throws(GGUFError) {
        try self.init(file: file, strict: true)
    }

    init() {}

    private init(file: GGUFFile, strict: Bool) throws(GGUFError) {
        func int(_ key: String) throws(GGUFError) -> Int? {
            guard file[key] != nil else { return nil }
            if strict { return try file.requireInt(key) }
            return file[key]?.intValue
        }
        func double(_ key: String) throws(GGUFError) -> Double? {
            guard file[key] != nil else { return nil }
            if strict { return try file.requireDouble(key) }
            return file[key]?.doubleValue
        }
        architecture = file.architecture
        let arch = architecture.map { $0 + "." } ?? "general.architecture-missing."
        name = file["general.name"]?.stringValue
        blockCount = try int(arch + "block_count")
        contextLength = try int(arch + "context_length")
        embeddingLength = try int(arch + "embedding_length")
        feedForwardLength = try int(arch + "feed_forward_length")
        headCount = try int(arch + "attention.head_count")
        headCountKV = try int(arch + "attention.head_count_kv") ?? headCount
        if let keyLength = try int(arch + "attention.key_length") {
            headDim = keyLength
        } else if let embeddingLength, let headCount, headCount > 0 {
            headDim = embeddingLength / headCount
        }
        valueLength = try int(arch + "attention.value_length")
        ropeFreqBase = try double(arch + "rope.freq_base")
        ropeDimensionCount = try int(arch + "rope.dimension_count")
        let rmsEpsilon = try double(arch + "attention.layer_norm_rms_epsilon")
        let layerNormEpsilon = try double(arch + "attention.layer_norm_epsilon")
        normEpsilon = rmsEpsilon ?? layerNormEpsilon
        vocabSize = try int(arch + "vocab_size")
            ?? file["tokenizer.ggml.tokens"]?.arrayValue?.count
            ?? file.tensor(named: "token_embd.weight")?.shape.last
        tokenizerModel = file["tokenizer.ggml.model"]?.stringValue
        tokenizerPre = file["tokenizer.ggml.pre"]?.stringValue
    }
}

extension GGUFFile {
    /// The well-known architecture settings, read leniently (see `GGUFHyperparameters`).
    public var hyperparameters: GGUFHyperparameters { GGUFHyperparameters(file: self) }
}
