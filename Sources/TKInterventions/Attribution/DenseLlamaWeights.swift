import TKEngine
import TKKernels

/// A Llama-family model's weights expanded once to float32 (`rows × cols`, row-major, as in the
/// file), for the backward pass: a gradient needs every weight multiplied both ways (`x·Wᵀ`
/// forward, `dy·W` backward), which the engine's quantised tiles do not offer.
///
/// SmolLM2-135M takes about 0.5 GB this way. Families: `llama` (Llama 2/3, SmolLM2, TinyLlama) and
/// `qwen2` — blocks built as `LlamaBlock` with plain causal attention, no embedding scale and no
/// logit soft-capping.
public struct DenseLlamaWeights: Sendable {
    /// One block's weights (shapes in the comments: `rows × cols`).
    public struct Layer: Sendable {
        public var attentionNorm: [Float]  // dim
        public var wq: [Float]  // qDim × dim
        public var wk: [Float]  // kvDim × dim
        public var wv: [Float]  // kvDim × dim
        public var wo: [Float]  // dim × qDim
        public var bq: [Float]?  // qDim (Qwen2)
        public var bk: [Float]?  // kvDim
        public var bv: [Float]?  // kvDim
        public var ffnNorm: [Float]  // dim
        public var gate: [Float]  // hiddenDim × dim
        public var up: [Float]  // hiddenDim × dim
        public var down: [Float]  // dim × hiddenDim
    }

    public let config: ModelConfig
    public let embedding: [Float]  // vocab × dim
    /// The output head (`vocab × dim`); nil when the model ties it to `embedding`.
    public let output: [Float]?
    public let outputNorm: [Float]  // dim
    public let layers: [Layer]
    /// Llama 3's RoPE divisors (`ropeDim / 2`), nil for plain RoPE.
    public let frequencyFactors: [Float]?

    /// The head the logits come from.
    public var head: [Float] { output ?? embedding }

    /// - Throws: `ActivationFitError` (`.incompatibleModel`) for a family or variant the backward pass does
    ///   not implement (sliding-window or soft-capped attention, Gemma's embedding scale, …).
    public init(model: TransformerModel) throws {
        let c = model.config, w = model.weights
        func unsupported(_ why: String) -> ActivationFitError {
            ActivationFitError(.incompatibleModel, "gradients are implemented for the Llama family (llama, qwen2) with plain causal attention; this \(c.architecture) model \(why). Use a Llama-family GGUF such as the default SmolLM2")
        }
        guard w.embeddingScale == nil, w.logitSoftcap == nil else { throw unsupported("scales its embeddings or soft-caps its logits") }
        var layers: [Layer] = []
        var factors: [Float]?
        for (l, block) in w.blocks.enumerated() {
            guard let b = block as? LlamaBlock else { throw unsupported("has blocks of type \(type(of: block))") }
            guard b.attention == .standard else { throw unsupported("uses sliding-window or soft-capped attention in layer \(l)") }
            factors = b.frequencyFactors
            let bw = b.weights
            layers.append(Layer(attentionNorm: bw.attentionNorm, wq: bw.wq.dequantized(), wk: bw.wk.dequantized(), wv: bw.wv.dequantized(),
                                wo: bw.wo.dequantized(), bq: bw.bq, bk: bw.bk, bv: bw.bv, ffnNorm: bw.ffnNorm,
                                gate: bw.gate.dequantized(), up: bw.up.dequantized(), down: bw.down.dequantized()))
        }
        config = c
        embedding = w.tokenEmbedding.dequantized()
        let tied = w.output.file === w.tokenEmbedding.file && w.output.offset == w.tokenEmbedding.offset
        output = tied ? nil : w.output.dequantized()
        outputNorm = w.outputNorm
        self.layers = layers
        frequencyFactors = factors
    }
}
