/// One entry of the tensor directory: where a tensor's bytes are and how to read them.
public struct GGUFTensorInfo: Sendable, Equatable {
    /// The tensor's name, e.g. `blk.0.attn_q.weight`.
    public var name: String
    /// Dimensions as ggml orders them: `shape[0]` is the contiguous (row) length.
    public var shape: [Int]
    /// How the elements are encoded.
    public var type: GGUFTensorType
    /// Offset relative to the start of the data section, as stored in the file.
    public var relativeOffset: Int
    /// Absolute byte offset of the tensor's first byte in the file.
    public var fileOffset: Int

    /// Number of elements, the product of `shape`.
    public var elementCount: Int { shape.reduce(1, *) }
    /// Bytes of encoded data: whole blocks of `type` (the reader checks rows fill whole blocks).
    public var byteCount: Int { elementCount / type.blockSize * type.bytesPerBlock }
    /// Length of one row (the contiguous dimension).
    public var rowLength: Int { shape.first ?? 1 }
    /// Number of rows: all dimensions after the first, multiplied together.
    public var rowCount: Int { elementCount / max(rowLength, 1) }

    public init(name: String, shape: [Int], type: GGUFTensorType, relativeOffset: Int, fileOffset: Int) {
        self.name = name
        self.shape = shape
        self.type = type
        self.relativeOffset = relativeOffset
        self.fileOffset = fileOffset
    }
}
