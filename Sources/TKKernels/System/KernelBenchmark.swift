import CTKKernels
import Foundation

/// Throughput of the BLAS sgemm in the shapes the engine calls it with (single-threaded, as each
/// kernel worker calls it): `y = x · Wᵀ` with x `m × k` and a dequantised weight tile `n × k`.
public enum KernelBenchmark {
    /// Best-of-`repetitions` GFLOP/s, each repetition looping for at least `minSeconds`.
    public static func sgemmGFLOPS(m: Int, n: Int, k: Int, repetitions: Int = 3, minSeconds: Double = 0.1) -> Double {
        KernelSystem.prepare()
        tk_blas_set_threads(1)
        let a = UnsafeMutablePointer<Float>.allocate(capacity: m * k)
        let b = UnsafeMutablePointer<Float>.allocate(capacity: n * k)
        let c = UnsafeMutablePointer<Float>.allocate(capacity: m * n)
        defer { a.deallocate(); b.deallocate(); c.deallocate() }
        for i in 0..<(m * k) { a[i] = Float(i % 13) * 0.01 - 0.06 }
        for i in 0..<(n * k) { b[i] = Float(i % 11) * 0.01 - 0.05 }
        var best = Double.infinity
        for _ in 0..<max(1, repetitions) {
            let start = DispatchTime.now().uptimeNanoseconds
            var calls = 0, elapsed = 0.0
            repeat {
                tk_sgemm(Int32(TK_BLAS_NO_TRANS), Int32(TK_BLAS_TRANS), Int32(m), Int32(n), Int32(k),
                         1, a, Int32(k), b, Int32(k), 0, c, Int32(n))
                calls += 1
                elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            } while elapsed < minSeconds
            best = min(best, elapsed / Double(calls))
        }
        return 2 * Double(m) * Double(n) * Double(k) / best / 1e9
    }
}

/// The BLAS product and its portable reference, for tests of whichever BLAS core is in use.
public enum BLASCheck {
    /// `alpha · op(A) · op(B) + beta · C` (row-major) through the loaded BLAS, or through the
    /// portable double-accumulating loop when `portable`.
    public static func sgemm(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float,
                             a: [Float], lda: Int, b: [Float], ldb: Int, beta: Float, c: [Float], ldc: Int,
                             portable: Bool = false) -> [Float] {
        KernelSystem.prepare()
        var out = c
        let ta = Int32(transA ? TK_BLAS_TRANS : TK_BLAS_NO_TRANS), tb = Int32(transB ? TK_BLAS_TRANS : TK_BLAS_NO_TRANS)
        a.withUnsafeBufferPointer { ap in
            b.withUnsafeBufferPointer { bp in
                out.withUnsafeMutableBufferPointer { cp in
                    if portable {
                        tk_sgemm_portable(ta, tb, Int32(m), Int32(n), Int32(k), alpha, ap.baseAddress, Int32(lda),
                                          bp.baseAddress, Int32(ldb), beta, cp.baseAddress, Int32(ldc))
                    } else {
                        tk_sgemm(ta, tb, Int32(m), Int32(n), Int32(k), alpha, ap.baseAddress, Int32(lda),
                                 bp.baseAddress, Int32(ldb), beta, cp.baseAddress, Int32(ldc))
                    }
                }
            }
        }
        return out
    }

    /// Largest |BLAS − reference| / (1 + |reference|) over one product of odd shapes (not multiples of
    /// any kernel tile) in each transposition — what `truthkit inspect --system` prints as a self-check.
    public static func selfCheck() -> Double {
        var worst = 0.0
        var seed: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> Float {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Float(Int64(bitPattern: seed >> 11) % 2001 - 1000) / 1000
        }
        let (m, n, k) = (37, 53, 131)
        for (ta, tb) in [(false, true), (false, false), (true, false), (true, true)] {
            let lda = (ta ? m : k) + 3, ldb = (tb ? k : n) + 1, ldc = n + 2
            let a = (0..<((ta ? k : m) * lda)).map { _ in next() }
            let b = (0..<((tb ? n : k) * ldb)).map { _ in next() }
            let c = (0..<(m * ldc)).map { _ in next() }
            let fast = sgemm(transA: ta, transB: tb, m: m, n: n, k: k, alpha: 0.75, a: a, lda: lda, b: b, ldb: ldb,
                             beta: 0.5, c: c, ldc: ldc)
            let slow = sgemm(transA: ta, transB: tb, m: m, n: n, k: k, alpha: 0.75, a: a, lda: lda, b: b, ldb: ldb,
                             beta: 0.5, c: c, ldc: ldc, portable: true)
            for i in 0..<fast.count {
                worst = max(worst, Double(abs(fast[i] - slow[i])) / (1 + Double(abs(slow[i]))))
            }
        }
        return worst
    }
}
