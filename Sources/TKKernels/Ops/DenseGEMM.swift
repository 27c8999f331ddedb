import CTKKernels

/// Products of dense row-major float32 arrays through the BLAS sgemm: what a backward pass needs
/// (`x·Wᵀ` forward, `dy·W` and `Aᵀ·B` backward) on weights already expanded to float32. The
/// pointers stay here, in the kernels.
public enum DenseGEMM {
    /// `C = op(A) · op(B)` (plus `C` when `accumulate`), with op(A) `m × k` and op(B) `k × n`.
    ///
    /// - Parameters:
    ///   - a: `m × k` row-major, or `k × m` when `transposeA`.
    ///   - b: `k × n` row-major, or `n × k` when `transposeB`.
    ///   - c: `m × n` row-major; overwritten, or added to when `accumulate`.
    /// - Precondition: the counts match the shapes.
    public static func multiply(_ a: [Float], _ b: [Float], into c: inout [Float], m: Int, n: Int, k: Int,
                                transposeA: Bool = false, transposeB: Bool = false, accumulate: Bool = false) {
        precondition(a.count == m * k && b.count == k * n, "DenseGEMM: \(a.count) and \(b.count) values do not fit \(m)×\(k) · \(k)×\(n)")
        if !accumulate || c.count != m * n {
            precondition(!accumulate, "DenseGEMM: accumulating into \(c.count) values, expected \(m * n)")
            c = [Float](repeating: 0, count: m * n)
        }
        guard m > 0, n > 0, k > 0 else { return }
        KernelSystem.prepare()  // the BLAS, loaded once (the portable loop without one)
        a.withUnsafeBufferPointer { ap in
            b.withUnsafeBufferPointer { bp in
                c.withUnsafeMutableBufferPointer { cp in
                    tk_sgemm(Int32(transposeA ? TK_BLAS_TRANS : TK_BLAS_NO_TRANS), Int32(transposeB ? TK_BLAS_TRANS : TK_BLAS_NO_TRANS),
                             Int32(m), Int32(n), Int32(k), 1,
                             ap.baseAddress!, Int32(transposeA ? m : k), bp.baseAddress!, Int32(transposeB ? k : n),
                             accumulate ? 1 : 0, cp.baseAddress!, Int32(n))
                }
            }
        }
    }

    /// `op(A) · op(B)` as a new `m × n` array; see `multiply(_:_:into:…)`.
    public static func product(_ a: [Float], _ b: [Float], m: Int, n: Int, k: Int,
                               transposeA: Bool = false, transposeB: Bool = false) -> [Float] {
        var c: [Float] = []
        multiply(a, b, into: &c, m: m, n: n, k: k, transposeA: transposeA, transposeB: transposeB)
        return c
    }
}

extension QuantizedMatrix {
    /// Every row dequantised to float32, row-major (`rows × cols`): weights expanded once for
    /// code that multiplies them both ways (a backward pass), at 4 bytes per weight.
    public func dequantized() -> [Float] {
        [Float](unsafeUninitializedCapacity: rows * cols) { buffer, initialized in
            if rows > 0 {
                _ = tk_dequantize_rows(Int32(format.rawValue), base, Int64(cols), rowBytes, 0, Int64(rows), buffer.baseAddress!)
            }
            initialized = rows * cols
        }
    }
}
