import TKGGUF
import TKKernels

/// One transformer block's weights, still quantised in the mapped file (norms are small F32 copies).
public struct LayerWeights: Sendable {
    public var attentionNorm: [Float]
    public var wq: QuantizedMatrix
    public var wk: QuantizedMatrix
    public var wv: QuantizedMatrix
    public var wo: QuantizedMatrix
    public var bq: [Float]?
    public var bk: [Float]?
    public var bv: [Float]?
    public var ffnNorm: [Float]
    public var gate: QuantizedMatrix
    public var up: QuantizedMatrix
    public var down: QuantizedMatrix
}

/// All weights of a model: token embedding, blocks, final norm and output head.
public struct ModelWeights: Sendable {
    public var tokenEmbedding: QuantizedMatrix
    public var layers: [LayerWeights]
    public var outputNorm: [Float]
    /// The vocabulary projection; the token embedding itself when the model ties them.
    public var output: QuantizedMatrix
}

/// Reads tensors by name from a GGUF file and its mapping, checking type and shape.
public struct TensorLoader {
    let gguf: GGUFFile
    let file: MappedFile

    func info(_ name: String) throws -> GGUFTensorInfo {
        guard let t = gguf.tensor(named: name) else {
            throw EngineError(.missingTensor, "tensor '\(name)' is missing from \(gguf.path ?? "the model"); the file is incomplete or not a \(gguf.architecture ?? "supported") model")
        }
        return t
    }

    func has(_ name: String) -> Bool { gguf.tensor(named: name) != nil }

    /// A 2-D weight of `rows × cols` (ggml shape `[cols, rows]`).
    func matrix(_ name: String, rows: Int, cols: Int) throws -> QuantizedMatrix {
        let t = try info(name)
        guard t.shape.count == 2, t.shape[0] == cols, t.shape[1] == rows else {
            throw EngineError(.badShape, "tensor '\(name)' has shape \(t.shape), expected [\(cols), \(rows)]")
        }
        guard let format = WeightFormat(rawValue: t.type.rawValue) else {
            throw EngineError(.unsupportedTensorType, "tensor '\(name)' uses \(t.type), which the kernels cannot multiply")
        }
        return QuantizedMatrix(file: file, offset: t.fileOffset, format: format, rows: rows, cols: cols)
    }

    /// A 1-D tensor of `count` elements as float32 (norm weights, biases).
    func vector(_ name: String, count: Int) throws -> [Float] {
        let t = try info(name)
        guard t.elementCount == count, t.shape.count == 1 else {
            throw EngineError(.badShape, "tensor '\(name)' has shape \(t.shape), expected [\(count)]")
        }
        guard let format = WeightFormat(rawValue: t.type.rawValue) else {
            throw EngineError(.unsupportedTensorType, "tensor '\(name)' uses \(t.type)")
        }
        return QuantizedMatrix(file: file, offset: t.fileOffset, format: format, rows: 1, cols: count).row(0)
    }
}
