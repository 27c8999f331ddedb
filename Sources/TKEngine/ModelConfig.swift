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
    func validate() throws(EngineError) {
        func bad(_ what: String) -> EngineError { EngineError(.badConfig, "\(architecture) model: \(what); the GGUF metadata is inconsistent") }
        guard layers > 0, layers <= 1024 else { throw bad("block_count \(layers) out of range") }
        guard dim > 0, hiddenDim > 0, heads > 0, kvHeads > 0, headDim > 0, vocabSize > 0 else { throw bad("a dimension is zero") }
        guard heads % kvHeads == 0 else { throw bad("head_count \(heads) is not a multiple of head_count_kv \(kvHeads)") }
        guard ropeDim <= headDim, ropeDim % 2 == 0, ropeDim <= 1024 else { throw bad("rope dimension \(ropeDim) does not fit head size \(headDim)") }
        guard contextLength > 0 else { throw bad("context_length is \(contextLength)") }
    }
}
