/// Hyper-parameters of a decoder-only transformer, read from GGUF metadata by an `Architecture`.
///
/// Names are the same in every architecture: `dim` (residual width), `hiddenDim` (feed-forward
/// width), `heads`/`kvHeads` (query and key/value heads; grouped-query attention when they differ),
/// `headDim`, `vocabSize`, `contextLength`.
public struct ModelConfig: Sendable, Equatable {
    public var architecture: String
    public var layers: Int
    public var dim: Int
    public var hiddenDim: Int
    public var heads: Int
    public var kvHeads: Int
    public var headDim: Int
    public var vocabSize: Int
    public var contextLength: Int
    public var normEpsilon: Float
    public var ropeBase: Float
    /// Leading dimensions of each head that are rotated (usually `headDim`).
    public var ropeDim: Int
    /// NeoX-style rotation (halves) rather than adjacent pairs.
    public var ropeNeox: Bool
    /// Q, K and V projections carry biases (Qwen2).
    public var attentionBias: Bool

    public var qDim: Int { heads * headDim }
    public var kvDim: Int { kvHeads * headDim }

    public init(architecture: String, layers: Int, dim: Int, hiddenDim: Int, heads: Int, kvHeads: Int, headDim: Int,
                vocabSize: Int, contextLength: Int, normEpsilon: Float, ropeBase: Float, ropeDim: Int,
                ropeNeox: Bool, attentionBias: Bool) {
        self.architecture = architecture
        self.layers = layers
        self.dim = dim
        self.hiddenDim = hiddenDim
        self.heads = heads
        self.kvHeads = kvHeads
        self.headDim = headDim
        self.vocabSize = vocabSize
        self.contextLength = contextLength
        self.normEpsilon = normEpsilon
        self.ropeBase = ropeBase
        self.ropeDim = ropeDim
        self.ropeNeox = ropeNeox
        self.attentionBias = attentionBias
    }

    /// Checks the numbers are consistent before any buffer is sized from them.
    ///
    /// Each check names the GGUF key (`<arch>.…`) whose value is wrong. What llama.cpp rejects is
    /// rejected here too: a RoPE dimension that is not a positive even number up to the head size,
    /// a RoPE base or norm epsilon that is not a positive finite number.
    func validate() throws(EngineError) {
        let a = architecture
        func bad(_ key: String, _ what: String) -> EngineError {
            EngineError(.badConfig, "\(a) model: \(a).\(key) \(what); the GGUF metadata is inconsistent — the file is damaged or was converted wrongly: download it again or re-convert it with a current llama.cpp")
        }
        guard layers > 0, layers <= 1024 else { throw bad("block_count", "is \(layers), outside 1…1024") }
        guard dim > 0 else { throw bad("embedding_length", "is \(dim)") }
        guard hiddenDim > 0 else { throw bad("feed_forward_length", "is \(hiddenDim)") }
        guard heads > 0 else { throw bad("attention.head_count", "is \(heads)") }
        guard kvHeads > 0 else { throw bad("attention.head_count_kv", "is \(kvHeads)") }
        guard headDim > 0 else { throw bad("attention.key_length", "is \(headDim)") }
        guard vocabSize > 0 else { throw bad("vocab_size", "is \(vocabSize)") }
        guard heads % kvHeads == 0 else {
            throw bad("attention.head_count", "(\(heads)) is not a multiple of \(a).attention.head_count_kv (\(kvHeads))")
        }
        guard ropeDim > 0, ropeDim % 2 == 0, ropeDim <= headDim else {
            throw bad("rope.dimension_count", "is \(ropeDim); it must be a positive even number no larger than the head size \(headDim)")
        }
        guard ropeBase.isFinite, ropeBase > 0 else { throw bad("rope.freq_base", "is \(ropeBase); it must be a positive finite number") }
        guard normEpsilon.isFinite, normEpsilon > 0 else {
            throw bad("attention.layer_norm_rms_epsilon", "is \(normEpsilon); it must be a positive finite number")
        }
        guard contextLength > 0 else { throw bad("context_length", "is \(contextLength)") }
    }
}
