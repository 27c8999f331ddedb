import CTKKernels

/// `AᵀA` of a dense row-major float32 matrix, through the BLAS sgemm: the d × d cross-product that
/// probe fitting needs (a logistic regression's Hessian, a pooled covariance). With thousands of
/// rows and hundreds of columns it is ~10⁹ multiply-adds, seconds in optimised BLAS and far too
/// slow as a Swift loop in a debug build; the pointers stay here, in the kernels.
public enum GramMatrix {
    /// - Parameters:
    ///   - values: `rows × cols` values, row-major.
    /// - Returns: `cols × cols` values, row-major (symmetric).
    /// - Precondition: `values.count == rows * cols`, `cols > 0`.
    public static func of(_ values: [Float], rows: Int, cols: Int) -> [Float] {
        precondition(values.count == rows * cols && cols > 0, "GramMatrix: \(values.count) values is not \(rows) × \(cols)")
        KernelSystem.prepare()  // the BLAS, loaded once (the portable loop without one)
        var out = [Float](repeating: 0, count: cols * cols)
        guard rows > 0 else { return out }
        values.withUnsafeBufferPointer { a in
            out.withUnsafeMutableBufferPointer { c in
                // C (cols × cols) = Aᵀ (cols × rows) · A (rows × cols).
                tk_sgemm(Int32(TK_BLAS_TRANS), Int32(TK_BLAS_NO_TRANS), Int32(cols), Int32(cols), Int32(rows),
                         1, a.baseAddress!, Int32(cols), a.baseAddress!, Int32(cols), 0, c.baseAddress!, Int32(cols))
            }
        }
        return out
    }
}
