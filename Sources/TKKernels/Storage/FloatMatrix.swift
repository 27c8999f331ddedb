import CTKKernels
#if canImport(Glibc)
import Glibc
#endif

/// A row-major float32 matrix that owns its memory: activations, KV cache, scratch.
///
/// Shape: `rows × cols`, element (r, c) at `r * cols + c`. The row count can shrink and grow
/// within `capacityRows` without reallocating (`resize(rows:)`), so buffers are allocated once per
/// session and reused for every forward pass. All access from outside the kernels module goes
/// through the safe methods below.
public final class FloatMatrix {
    public private(set) var rows: Int
    public let cols: Int
    public private(set) var capacityRows: Int
    var storage: UnsafeMutablePointer<Float>

    public init(rows: Int, cols: Int, capacityRows: Int? = nil) {
        precondition(rows >= 0 && cols > 0, "matrix shape must be non-negative")
        self.rows = rows
        self.cols = cols
        self.capacityRows = max(capacityRows ?? rows, rows, 1)
        storage = .allocate(capacity: self.capacityRows * cols)
        storage.initialize(repeating: 0, count: self.capacityRows * cols)
    }

    public convenience init(rows: Int, cols: Int, values: [Float]) {
        precondition(values.count == rows * cols, "values must have rows × cols elements")
        self.init(rows: rows, cols: cols)
        values.withUnsafeBufferPointer { storage.update(from: $0.baseAddress!, count: values.count) }
    }

    deinit { storage.deallocate() }

    /// Changes the row count, growing the allocation when needed (existing rows are kept).
    public func resize(rows newRows: Int) {
        if newRows > capacityRows {
            let newCapacity = max(newRows, capacityRows * 2)
            let fresh = UnsafeMutablePointer<Float>.allocate(capacity: newCapacity * cols)
            fresh.update(from: storage, count: rows * cols)
            (fresh + rows * cols).initialize(repeating: 0, count: (newCapacity - rows) * cols)
            storage.deallocate()
            storage = fresh
            capacityRows = newCapacity
        }
        rows = newRows
    }

    public subscript(row: Int, col: Int) -> Float {
        get {
            precondition(row >= 0 && row < rows && col >= 0 && col < cols, "index out of range")
            return storage[row * cols + col]
        }
        set {
            precondition(row >= 0 && row < rows && col >= 0 && col < cols, "index out of range")
            storage[row * cols + col] = newValue
        }
    }

    /// A copy of row `r`, or of the columns `columns` of it.
    public func row(_ r: Int, columns: Range<Int>? = nil) -> [Float] {
        precondition(r >= 0 && r < rows, "row out of range")
        let cs = columns ?? 0..<cols
        precondition(cs.lowerBound >= 0 && cs.upperBound <= cols, "columns out of range")
        return Array(UnsafeBufferPointer(start: storage + r * cols + cs.lowerBound, count: cs.count))
    }

    /// Overwrites row `r` (or the columns starting at `column`) with `values`.
    public func setRow(_ r: Int, _ values: [Float], startingAt column: Int = 0) {
        precondition(r >= 0 && r < rows && column >= 0 && column + values.count <= cols, "write out of range")
        values.withUnsafeBufferPointer { storage.advanced(by: r * cols + column).update(from: $0.baseAddress!, count: values.count) }
    }

    /// Adds `scale * vector` to row `r`, starting at `column` (for steering and head shifts).
    public func add(_ vector: [Float], scale: Float = 1, toRow r: Int, startingAt column: Int = 0) {
        precondition(r >= 0 && r < rows && column >= 0 && column + vector.count <= cols, "write out of range")
        let p = storage + r * cols + column
        for i in 0..<vector.count { p[i] += scale * vector[i] }
    }

    /// All elements, row-major.
    public var values: [Float] { Array(UnsafeBufferPointer(start: storage, count: rows * cols)) }

    /// Copies rows `source` of `other` into this matrix starting at row `destination`.
    public func copyRows(from other: FloatMatrix, _ source: Range<Int>, to destination: Int) {
        precondition(other.cols == cols && source.upperBound <= other.rows && destination + source.count <= rows, "copy out of range")
        (storage + destination * cols).update(from: other.storage + source.lowerBound * cols, count: source.count * cols)
    }

    /// Sets every element to zero.
    public func zero() { storage.update(repeating: 0, count: rows * cols) }

    /// Elementwise `self += other` over the current rows.
    public func add(_ other: FloatMatrix) {
        precondition(other.rows == rows && other.cols == cols, "shape mismatch")
        tk_add_inplace(storage, other.storage, Int64(rows * cols))
    }
}
