import TKGGUF
import TKKernels

/// All weights of a model: token embedding, the family's blocks, final norm and output head.
public struct ModelWeights: Sendable {
    public var tokenEmbedding: QuantizedMatrix
    /// One block per layer, each owning its weights and computation (see `TransformerBlock`).
    public var blocks: [any TransformerBlock]
    public var outputNorm: [Float]
    /// The vocabulary projection; the token embedding itself when the model ties them.
    public var output: QuantizedMatrix
    /// Factor applied to the token embeddings before block 0 (Gemma: √dim); nil for none.
    public var embeddingScale: Float?
    /// Logits become `cap · tanh(logit / cap)` (Gemma 2's final soft-capping); nil for none.
    public var logitSoftcap: Float?

    public init(tokenEmbedding: QuantizedMatrix, blocks: [any TransformerBlock], outputNorm: [Float],
                output: QuantizedMatrix, embeddingScale: Float? = nil, logitSoftcap: Float? = nil) {
        self.tokenEmbedding = tokenEmbedding
        self.blocks = blocks
        self.outputNorm = outputNorm
        self.output = output
        self.embeddingScale = embeddingScale
        self.logitSoftcap = logitSoftcap
    }
}

/// Reads tensors by name from a GGUF file and its mapping, checking type and shape, and keeps
/// track of which tensors were read so that `checkAllUsed()` can reject a file with tensors the
/// architecture does not use (llama.cpp rejects those too: they mean a different or damaged model).
public final class TensorLoader {
    let gguf: GGUFFile
    let file: MappedFile
    private(set) var used: Set<String> = []

    init(gguf: GGUFFile, file: MappedFile) {
        self.gguf = gguf
        self.file = file
    }

    private var source: String { gguf.path.map { GGUFText.forError($0) } ?? "the model" }

    func info(_ name: String) throws -> GGUFTensorInfo {
        guard let t = gguf.tensor(named: name) else {
            throw EngineError(.missingTensor, "tensor '\(name)' is missing from \(source); the file is incomplete or not a \(gguf.architecture.map { GGUFText.forError($0) } ?? "supported") model — download it again")
        }
        used.insert(name)
        return t
    }

    func has(_ name: String) -> Bool { gguf.tensor(named: name) != nil }

    /// A 2-D weight of `rows × cols` (ggml shape `[cols, rows]`).
    func matrix(_ name: String, rows: Int, cols: Int) throws -> QuantizedMatrix {
        let t = try info(name)
        guard t.shape.count == 2, t.shape[0] == cols, t.shape[1] == rows else {
            throw EngineError(.badShape, "tensor '\(name)' has shape \(t.shape), expected [\(cols), \(rows)] from the model's metadata; the file is damaged or converted wrongly — download it again")
        }
        guard let format = WeightFormat(rawValue: t.type.rawValue) else {
            throw EngineError(.unsupportedTensorType, "tensor '\(name)' uses \(t.type), which the kernels cannot multiply; use a model quantised to another type")
        }
        return QuantizedMatrix(file: file, offset: t.fileOffset, format: format, rows: rows, cols: cols)
    }

    /// A fused 2-D weight of `parts.reduce(0, +) × cols` split into consecutive row blocks of the
    /// given sizes (Phi-3 stores Q, K and V as one `attn_qkv`, gate and up as one `ffn_up`).
    func fusedMatrix(_ name: String, parts: [Int], cols: Int) throws -> [QuantizedMatrix] {
        let whole = try matrix(name, rows: parts.reduce(0, +), cols: cols)
        var start = 0
        return parts.map { count in
            defer { start += count }
            return whole.rows(start..<(start + count))
        }
    }

    /// A 1-D F32 tensor of `count` elements (norm weights, biases), every value finite.
    ///
    /// llama.cpp's converter always writes these as F32; another type means a damaged or
    /// hand-edited file, and a NaN or infinity here would poison every activation after it.
    func vector(_ name: String, count: Int) throws -> [Float] {
        let t = try info(name)
        guard t.elementCount == count, t.shape.count == 1 else {
            throw EngineError(.badShape, "tensor '\(name)' has shape \(t.shape), expected [\(count)] from the model's metadata; the file is damaged or converted wrongly — download it again")
        }
        guard t.type == .f32 else {
            throw EngineError(.unsupportedTensorType, "tensor '\(name)' is stored as \(t.type); norm weights and biases must be F32, as llama.cpp's converter writes them — the file is damaged or was converted by an unsupported tool: download it again")
        }
        let values = QuantizedMatrix(file: file, offset: t.fileOffset, format: .f32, rows: 1, cols: count).row(0)
        if let bad = values.firstIndex(where: { !$0.isFinite }) {
            throw EngineError(.damagedModel, "tensor '\(name)' holds \(values[bad]) at element \(bad); the model file is damaged — download it again")
        }
        return values
    }

    /// Throws naming the tensors in the file that no weight was read from: they belong to a
    /// different architecture, a block beyond `block_count`, or a damaged directory.
    func checkAllUsed() throws {
        let unused = gguf.tensors.map(\.name).filter { !used.contains($0) }
        guard !unused.isEmpty else { return }
        let shown = unused.prefix(5).map { "'\(GGUFText.forError($0))'" }.joined(separator: ", ")
        let more = unused.count > 5 ? " and \(unused.count - 5) more" : ""
        throw EngineError(.unusedTensor, "\(source) holds \(unused.count) tensor(s) the \(gguf.architecture.map { GGUFText.forError($0) } ?? "") architecture does not use: \(shown)\(more); running without them would give wrong numbers. The file is damaged, or is a variant this build does not support — use a standard llama.cpp conversion")
    }
}
