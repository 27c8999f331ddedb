import CTKKernels
/// A 2-D weight tensor as it sits in the mapped model file, still in its ggml block encoding.
///
/// Shape: `rows` output features × `cols` input features; each row is `cols / blockSize` blocks.
/// Multiplication dots blocks directly (few activation rows) or dequantises a tile of rows at a
/// time into scratch and calls BLAS (many rows) — the weights are never expanded as a whole.
public struct QuantizedMatrix: @unchecked Sendable {
    // @unchecked: points into a read-only MappedFile that it keeps alive.
    public let file: MappedFile
    public let offset: Int
    public let format: WeightFormat
    public let rows: Int
    public let cols: Int

    public init(file: MappedFile, offset: Int, format: WeightFormat, rows: Int, cols: Int) {
        precondition(cols % format.blockSize == 0, "row length must be a multiple of the block size")
        precondition(offset >= 0 && offset + rows * (cols / format.blockSize) * format.bytesPerBlock <= file.size, "tensor runs past the end of the file")
        self.file = file
        self.offset = offset
        self.format = format
        self.rows = rows
        self.cols = cols
    }

    /// Rows `range` as a matrix of their own, sharing the file (no copy): the parts of a fused
    /// projection such as Phi-3's `attn_qkv` (Q, K and V rows stacked) or `ffn_up` (gate, up).
    public func rows(_ range: Range<Int>) -> QuantizedMatrix {
        precondition(range.lowerBound >= 0 && range.upperBound <= rows, "rows \(range) out of 0..<\(rows)")
        return QuantizedMatrix(file: file, offset: offset + range.lowerBound * rowBytes, format: format, rows: range.count, cols: cols)
    }

    public var rowBytes: Int { cols / format.blockSize * format.bytesPerBlock }

    var base: UnsafeRawPointer { file.base + offset }

    /// Row `r` dequantised to float32 (embedding lookups, tests).
    public func row(_ r: Int) -> [Float] {
        precondition(r >= 0 && r < rows, "row \(r) out of range 0..<\(rows)")
        return [Float](unsafeUninitializedCapacity: cols) { buffer, initialized in
            _ = tk_dequantize_rows(Int32(format.rawValue), base, Int64(cols), rowBytes, Int64(r), Int64(r + 1), buffer.baseAddress!)
            initialized = cols
        }
    }

    /// Writes row `r`, dequantised, into row `destinationRow` of `matrix`.
    public func dequantizeRow(_ r: Int, into matrix: FloatMatrix, row destinationRow: Int) {
        precondition(r >= 0 && r < rows && matrix.cols == cols && destinationRow < matrix.rows, "shape mismatch")
        _ = tk_dequantize_rows(Int32(format.rawValue), base, Int64(cols), rowBytes, Int64(r), Int64(r + 1), matrix.storage + destinationRow * cols)
    }
}
