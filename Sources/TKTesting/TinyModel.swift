import Foundation
import TKGGUF
import TKKernels
import TKRandom

/// A tiny random-weight llama-family model written as a real GGUF file, for engine tests.
///
/// Defaults: 2 layers, dim 32, 4 query heads / 2 KV heads of 8, feed-forward 64, vocabulary 40,
/// context 64. Weights are seeded, so every run builds the same file. `weights` keeps the float32
/// values as stored (after quantisation round trip when `format` is quantised), so a naive
/// reference forward in a test can use exactly the numbers the engine reads.
public struct TinyModel {
    public struct Config: Sendable {
        public var layers = 2
        public var dim = 32
        public var hiddenDim = 64
        public var heads = 4
        public var kvHeads = 2
        public var vocab = 40
        public var contextLength = 64
        public var ropeBase: Float = 10000
        public var epsilon: Float = 1e-5
        public var architecture = "llama"
        /// Format of the 2-D weights (norms stay F32).
        public var format: WeightFormat = .f32
        public var tiedEmbedding = true
        public init() {}
        public var headDim: Int { dim / heads }
    }

    public let config: Config
    /// Float32 value of every tensor by GGUF name, as the engine will see it.
    public let weights: [String: [Float]]
    public let bytes: [UInt8]

    /// `edit` runs on the finished writer before it is serialised, so a test can change or add
    /// metadata and tensors to build a file the engine must reject.
    public init(config: Config = Config(), seed: UInt64 = 42, edit: (inout GGUFWriter) -> Void = { _ in }) {
        self.config = config
        var rng = Random(seed: seed)
        var writer = GGUFWriter()
        let arch = config.architecture
        writer.set("general.architecture", .string(arch))
        writer.set("general.name", .string("tiny-\(arch)"))
        writer.set("\(arch).block_count", .uint32(UInt32(config.layers)))
        writer.set("\(arch).context_length", .uint32(UInt32(config.contextLength)))
        writer.set("\(arch).embedding_length", .uint32(UInt32(config.dim)))
        writer.set("\(arch).feed_forward_length", .uint32(UInt32(config.hiddenDim)))
        writer.set("\(arch).attention.head_count", .uint32(UInt32(config.heads)))
        writer.set("\(arch).attention.head_count_kv", .uint32(UInt32(config.kvHeads)))
        writer.set("\(arch).rope.freq_base", .float32(config.ropeBase))
        writer.set("\(arch).attention.layer_norm_rms_epsilon", .float32(config.epsilon))
        writer.set("\(arch).vocab_size", .uint32(UInt32(config.vocab)))
        for (k, v) in TinyModel.vocabularyMetadata(size: config.vocab) { writer.set(k, v) }

        var weights: [String: [Float]] = [:]
        func matrix(_ name: String, rows: Int, cols: Int, scale: Float) {
            let values = (0..<(rows * cols)).map { _ in rng.uniform() * scale }
            let encoded = Quantization.quantize(values, format: config.format)
            writer.addTensor(name, shape: [cols, rows], type: GGUFTensorType(rawValue: config.format.rawValue)!, bytes: encoded)
            weights[name] = Quantization.dequantize(encoded, format: config.format, count: values.count)
        }
        func vector(_ name: String, count: Int, around center: Float, spread: Float) {
            let values = (0..<count).map { _ in center + rng.uniform() * spread }
            writer.addTensor(name, shape: [count], floats: values)
            weights[name] = values
        }
        let c = config
        matrix("token_embd.weight", rows: c.vocab, cols: c.dim, scale: 1)
        for l in 0..<c.layers {
            let p = "blk.\(l)."
            vector(p + "attn_norm.weight", count: c.dim, around: 1, spread: 0.2)
            matrix(p + "attn_q.weight", rows: c.heads * c.headDim, cols: c.dim, scale: 0.3)
            matrix(p + "attn_k.weight", rows: c.kvHeads * c.headDim, cols: c.dim, scale: 0.3)
            matrix(p + "attn_v.weight", rows: c.kvHeads * c.headDim, cols: c.dim, scale: 0.3)
            if arch == "qwen2" {
                vector(p + "attn_q.bias", count: c.heads * c.headDim, around: 0, spread: 0.1)
                vector(p + "attn_k.bias", count: c.kvHeads * c.headDim, around: 0, spread: 0.1)
                vector(p + "attn_v.bias", count: c.kvHeads * c.headDim, around: 0, spread: 0.1)
            }
            matrix(p + "attn_output.weight", rows: c.dim, cols: c.heads * c.headDim, scale: 0.3)
            vector(p + "ffn_norm.weight", count: c.dim, around: 1, spread: 0.2)
            matrix(p + "ffn_gate.weight", rows: c.hiddenDim, cols: c.dim, scale: 0.3)
            matrix(p + "ffn_up.weight", rows: c.hiddenDim, cols: c.dim, scale: 0.3)
            matrix(p + "ffn_down.weight", rows: c.dim, cols: c.hiddenDim, scale: 0.3)
        }
        vector("output_norm.weight", count: c.dim, around: 1, spread: 0.2)
        if !c.tiedEmbedding { matrix("output.weight", rows: c.vocab, cols: c.dim, scale: 0.5) }
        self.weights = weights
        edit(&writer)
        bytes = writer.serialized()
    }

    /// Writes the GGUF to a fresh temporary file and returns its path.
    public func writeToTemporaryFile() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("tiny-\(UUID().uuidString).gguf").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// A byte-level BPE vocabulary of `size` tokens: single letters in GPT-2's byte-to-unicode
    /// form plus a few merges, enough for the tokenizer to load.
    public static func vocabularyMetadata(size: Int) -> [(String, GGUFValue)] {
        let letters = "abcdefghijklmnopqrstuvwxyzĠ.,!?".map { String($0) }
        var tokens = ["<|endoftext|>"] + letters + ["ab", "Ġa", "Ġb", "cd"]
        while tokens.count < size { tokens.append("<extra_\(tokens.count)>") }
        tokens = Array(tokens.prefix(size))
        let types: [GGUFValue] = tokens.map { $0.hasPrefix("<") ? .int32(3) : .int32(1) }
        return [
            ("tokenizer.ggml.model", .string("gpt2")),
            ("tokenizer.ggml.pre", .string("gpt-2")),
            ("tokenizer.ggml.tokens", .array(.string, tokens.map { .string($0) })),
            ("tokenizer.ggml.token_type", .array(.int32, types)),
            ("tokenizer.ggml.merges", .array(.string, [.string("a b"), .string("Ġ a"), .string("Ġ b"), .string("c d")])),
            ("tokenizer.ggml.bos_token_id", .uint32(0)),
            ("tokenizer.ggml.eos_token_id", .uint32(0)),
            ("tokenizer.ggml.add_bos_token", .bool(false)),
        ]
    }

    /// Deterministic uniform numbers in [-1, 1): the top 24 bits of TKRandom's SplitMix64.
    struct Random {
        var generator: SplitMix64
        init(seed: UInt64) { generator = SplitMix64(seed: seed) }
        mutating func uniform() -> Float {
            Float(generator.next() >> 40) / Float(1 << 23) - 1
        }
    }
}
