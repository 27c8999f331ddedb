import TKEngine
import TKKernels

/// What a fitted intervention records about the model it was fitted on, and checks again before
/// it is applied: directions for one model's heads mean nothing in another's, and a shape mismatch
/// would otherwise surface as a crash or as silently wrong columns.
public struct ModelSignature: Sendable, Codable, Equatable {
    /// `general.name` from the GGUF metadata, when the file has one.
    public var name: String?
    /// Content fingerprint (e.g. `sha256:…` of the file), when the fitting tool computed one.
    public var fingerprint: String?
    public var architecture: String
    public var layers: Int
    public var dim: Int
    public var heads: Int
    public var headDim: Int
    /// A digest of sampled weights (`weightDigest(of:)`), so a fit is refused by another model of
    /// the same shape and name (a fine-tune, another quantisation) even where no file hash is at hand.
    public var weightDigest: String?

    public init(name: String?, fingerprint: String?, architecture: String, layers: Int, dim: Int, heads: Int, headDim: Int,
                weightDigest: String? = nil) {
        self.name = name
        self.fingerprint = fingerprint
        self.architecture = architecture
        self.layers = layers
        self.dim = dim
        self.heads = heads
        self.headDim = headDim
        self.weightDigest = weightDigest
    }

    /// The signature of a loaded model; pass the file fingerprint when you have one.
    public init(model: TransformerModel, fingerprint: String? = nil) {
        let c = model.config
        self.init(name: model.gguf["general.name"]?.stringValue, fingerprint: fingerprint, architecture: c.architecture,
                  layers: c.layers, dim: c.dim, heads: c.heads, headDim: c.headDim, weightDigest: Self.weightDigest(of: model))
    }

    /// FNV-1a 64 over the bit patterns of a sample of the weights as the engine sees them: eight
    /// token-embedding rows spread over the vocabulary, the first row of every layer's query and
    /// output projections, and every norm. Cheap (a few thousand values), deterministic, and
    /// different for any two models that differ in those weights.
    public static func weightDigest(of model: TransformerModel) -> String {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        func mix(_ values: [Float]) {
            for v in values {
                var bits = v.bitPattern
                for _ in 0..<4 {
                    hash ^= UInt64(bits & 0xFF)
                    hash &*= 0x0000_0100_0000_01B3  // wrapping multiply is the FNV definition
                    bits >>= 8
                }
            }
        }
        func row(_ m: QuantizedMatrix, _ r: Int) -> [Float] {
            guard m.rows > 0 else { return [] }
            let buffer = FloatMatrix(rows: 1, cols: m.cols)
            m.dequantizeRow(min(r, m.rows - 1), into: buffer, row: 0)
            return buffer.row(0)
        }
        let w = model.weights
        for k in 0..<8 { mix(row(w.tokenEmbedding, k * w.tokenEmbedding.rows / 8)) }
        for block in w.blocks {
            for values in block.identifyingValues { mix(values) }
        }
        mix(w.outputNorm)
        let hex = String(hash, radix: 16)
        return "fnv1a64:" + String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// Throws `.incompatibleModel` unless `model` is the model this signature describes.
    ///
    /// Shapes and architecture must match; the GGUF name must match when both sides have one;
    /// the fingerprint is compared when both the fit and the caller have one (the engine alone
    /// cannot hash a file, so `hooks(for:)` checks shape and name, and callers that know the file
    /// digest — `NativeModel.identity.fingerprint` — pass it here too).
    public func check(against model: TransformerModel, fingerprint: String? = nil, what: String) throws {
        let other = ModelSignature(model: model, fingerprint: fingerprint)
        func fail(_ detail: String) -> ActivationFitError {
            ActivationFitError(.incompatibleModel, "\(what) was fitted on \(describe) but is being applied to \(other.describe): \(detail). Fit it again on this model (`truthkit iti fit` / `truthkit steer fit`)")
        }
        guard architecture == other.architecture else { throw fail("architecture \(architecture) ≠ \(other.architecture)") }
        guard layers == other.layers else { throw fail("\(layers) layers ≠ \(other.layers)") }
        guard heads == other.heads else { throw fail("\(heads) attention heads ≠ \(other.heads)") }
        guard headDim == other.headDim else { throw fail("head size \(headDim) ≠ \(other.headDim)") }
        guard dim == other.dim else { throw fail("residual width \(dim) ≠ \(other.dim)") }
        if let a = name, let b = other.name, a != b { throw fail("model name '\(a)' ≠ '\(b)'") }
        if let a = self.fingerprint, let b = fingerprint, a != b { throw fail("fingerprint \(a) ≠ \(b)") }
        if let a = weightDigest, let b = other.weightDigest, a != b { throw fail("the weights differ (digest \(a) ≠ \(b))") }
    }

    var describe: String {
        "\(name.map { "'\($0)' " } ?? "")(\(architecture), \(layers) layers, \(heads) heads of \(headDim))"
    }
}
