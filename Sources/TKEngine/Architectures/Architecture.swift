import TKGGUF
import TKKernels

/// One model family: how it reads GGUF metadata, and the blocks it builds from its tensors.
///
/// Each family is one file (`Llama.swift`, `Qwen2.swift`, `Gemma3.swift`, …) holding its
/// `Architecture` and its `TransformerBlock` with that block's own weights struct; the session only
/// embeds tokens, runs the blocks in order and applies the output head. "Adding a model family" in
/// docs/adding-a-model-family.md walks through a new one.
public protocol Architecture {
    /// `general.architecture` values this family reads.
    static var names: [String] { get }
    static func config(from gguf: GGUFFile) throws -> ModelConfig
    /// The model's weights with one block per layer; every tensor read goes through `loader`,
    /// which names a missing or misshapen tensor.
    static func weights(config: ModelConfig, loader: TensorLoader) throws -> ModelWeights
}

/// The families this build runs, keyed by `general.architecture`.
public enum ArchitectureRegistry {
    public static let all: [any Architecture.Type] = [Llama.self, Qwen2.self, Qwen3.self, Phi3.self, Gemma2.self, Gemma3.self]

    public static var supportedNames: [String] { all.flatMap { $0.names } }

    public static func architecture(named name: String) throws -> any Architecture.Type {
        guard let a = all.first(where: { $0.names.contains(name) }) else {
            throw EngineError(.unknownArchitecture, "Unknown architecture '\(GGUFText.forError(name))'. Supported: \(supportedNames.joined(separator: ", ")). Use a GGUF of one of these families")
        }
        return a
    }
}

/// Shared helpers for the usual `{arch}.*` keys and `blk.N.*` tensor names of llama.cpp's converter.
enum StandardLayout {
    static func config(_ gguf: GGUFFile, arch: String, ropeNeox: Bool, attentionBias: Bool) throws -> ModelConfig {
        // One reading of the metadata for inspect and the engine (`GGUFHyperparameters`); a required
        // key that is absent fails in `requireInt` with the key named, defaults are the engine's.
        let h = try GGUFHyperparameters(validating: gguf)
        let dim = try h.embeddingLength ?? gguf.requireInt("\(arch).embedding_length")
        let heads = try h.headCount ?? gguf.requireInt("\(arch).attention.head_count")
        guard heads > 0, dim % heads == 0 else {
            throw EngineError(.badConfig, "\(arch).embedding_length \(dim) is not divisible by \(arch).attention.head_count \(heads); the GGUF metadata is damaged — download the file again")
        }
        let headDim = h.headDim ?? dim / heads
        if let valueLength = h.valueLength, valueLength != headDim {
            throw EngineError(.badConfig, "\(arch).attention.value_length \(valueLength) differs from the key length \(headDim); this engine runs models whose keys and values have one head size")
        }
        let config = ModelConfig(
            architecture: arch,
            layers: try h.blockCount ?? gguf.requireInt("\(arch).block_count"),
            dim: dim,
            hiddenDim: try h.feedForwardLength ?? gguf.requireInt("\(arch).feed_forward_length"),
            heads: heads,
            kvHeads: h.headCountKV ?? heads,
            headDim: headDim,
            vocabSize: h.vocabSize ?? 0,
            contextLength: h.contextLength ?? 2048,
            normEpsilon: Float(h.normEpsilon ?? 1e-5),
            ropeBase: Float(h.ropeFreqBase ?? 10000),
            ropeDim: h.ropeDimensionCount ?? headDim,
            ropeNeox: ropeNeox,
            attentionBias: attentionBias)
        try config.validate()
        try checkBlockTensors(gguf, arch: arch, layers: config.layers)
        return config
    }

    /// `block_count` must agree with the `blk.N.*` tensors: a smaller count would silently run
    /// fewer layers, a larger one fail later on a tensor whose absence is the real news.
    static func checkBlockTensors(_ gguf: GGUFFile, arch: String, layers: Int) throws {
        var present = Set<Int>()
        for t in gguf.tensors where t.name.hasPrefix("blk.") {
            let part = t.name.dropFirst(4).prefix { $0 != "." }
            if let n = Int(part) { present.insert(n) }
        }
        if let beyond = present.filter({ $0 >= layers }).max() {
            throw EngineError(.badConfig, "\(arch).block_count is \(layers) but the file holds tensors for block \(beyond) (blk.\(beyond).*), \(present.count) blocks in all; the metadata is damaged and would silently skip layers — download the file again")
        }
        if let missing = (0..<layers).first(where: { !present.contains($0) }) {
            throw EngineError(.badConfig, "\(arch).block_count is \(layers) but the file has no tensors for block \(missing) (blk.\(missing).*); \(present.count) blocks are present — the file is incomplete or its metadata damaged: download it again")
        }
    }

    /// `<arch>.attention.sliding_window` when present: a positive number of positions, else nil.
    static func slidingWindow(_ gguf: GGUFFile, arch: String) throws -> Int? {
        guard let window = try gguf.optionalInt("\(arch).attention.sliding_window") else { return nil }
        guard window > 0 else {
            throw EngineError(.badConfig, "\(arch).attention.sliding_window is \(window); it must be a positive number of positions — the GGUF metadata is damaged: download the file again")
        }
        return window
    }

    /// The token embedding, final norm and output head (`output.weight`, or the embedding itself
    /// when the model ties them, as SmolLM2, Qwen2-0.5B and Gemma do), around `blocks`.
    static func weights(config c: ModelConfig, loader: TensorLoader, blocks: (_ layer: Int) throws -> any TransformerBlock,
                        embeddingScale: Float? = nil, logitSoftcap: Float? = nil) throws -> ModelWeights {
        let embedding = try loader.matrix("token_embd.weight", rows: c.vocabSize, cols: c.dim)
        let layers = try (0..<c.layers).map(blocks)
        let output = loader.has("output.weight")
            ? try loader.matrix("output.weight", rows: c.vocabSize, cols: c.dim)
            : embedding
        return ModelWeights(tokenEmbedding: embedding, blocks: layers,
                            outputNorm: try loader.vector("output_norm.weight", count: c.dim), output: output,
                            embeddingScale: embeddingScale, logitSoftcap: logitSoftcap)
    }
}

extension GGUFFile {
    /// An integer under `key`, nil when the key is absent; a value of another type is an error
    /// naming the key rather than a silent fallback to the default.
    func optionalInt(_ key: String) throws -> Int? {
        self[key] == nil ? nil : try requireInt(key)
    }

    /// A number under `key`, nil when the key is absent; see `optionalInt(_:)`.
    func optionalDouble(_ key: String) throws -> Double? {
        self[key] == nil ? nil : try requireDouble(key)
    }
}
