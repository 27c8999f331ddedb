import CTKKernels

extension ComputeContext {
    /// `y = x · Wᵀ`: x is `n × cols`, W is `rows × cols` (quantised), y becomes `n × rows`.
    ///
    /// Each worker owns a contiguous range of W's rows (y's columns). Few activation rows: blocks
    /// are dotted directly. Up to `rowGemmMaxRows` on the AVX-512 path: the row-invariant kernel
    /// (`usesRowGemm`). More: the worker dequantises `tileRows` of W at a time into its scratch and
    /// calls single-threaded sgemm on them.
    public func matmul(_ x: FloatMatrix, _ w: QuantizedMatrix, into y: FloatMatrix) {
        precondition(x.cols == w.cols, "matmul: x has \(x.cols) columns, weight expects \(w.cols)")
        precondition(y.cols == w.rows, "matmul: output has \(y.cols) columns, weight has \(w.rows) rows")
        let n = x.rows
        y.resize(rows: n)
        guard n > 0 else { return }
        let type = Int32(w.format.rawValue)
        let cols = w.cols, rowBytes = w.rowBytes, outRows = w.rows
        let base = SendableRawPointer(pointer: w.base)
        let xp = SendablePointer(pointer: x.storage), yp = SendablePointer(pointer: y.storage)
        if usesInt8(rows: n, w) {
            matmulInt8(x, [(w, y)])
            return
        }
        let ranges = Self.split(w.rows, parts: w.rows * cols >= 1 << 16 ? threads : 1, align: 16)

        if n < gemmThreshold {
            let scratch = workerScratch(count: cols)
            parallel(ranges.count) { i in
                _ = tk_matmul_rows(type, base.pointer, Int64(cols), rowBytes, xp.pointer, Int64(n), Int64(cols),
                                   yp.pointer, Int64(outRows), Int64(ranges[i].lowerBound), Int64(ranges[i].upperBound),
                                   scratch[i].pointer)
            }
            return
        }

        if usesRowGemm(rows: n) {
            rowInvariantMatmul(x, w, into: y)
            return
        }

        let tile = min(tileRows, ranges.map(\.count).max() ?? 1)
        let scratch = workerScratch(count: tile * cols)
        parallel(ranges.count) { i in
            let tilePtr = scratch[i].pointer
            for r0 in stride(from: ranges[i].lowerBound, to: ranges[i].upperBound, by: tile) {
                let r1 = min(ranges[i].upperBound, r0 + tile)
                _ = tk_dequantize_rows(type, base.pointer, Int64(cols), rowBytes, Int64(r0), Int64(r1), tilePtr)
                tk_sgemm(Int32(TK_BLAS_NO_TRANS), Int32(TK_BLAS_TRANS),
                         Int32(n), Int32(r1 - r0), Int32(cols),
                         1, xp.pointer, Int32(cols), tilePtr, Int32(cols),
                         0, yp.pointer + r0, Int32(outRows))
            }
        }
    }

    /// Whether a product of `rows` activation rows goes through the row-invariant kernel rather
    /// than dequantise + sgemm: on the AVX-512 path from `gemmThreshold` up to `rowGemmMaxRows`
    /// rows, where it measured as fast or faster (no repacking of each dequantised tile; 1.4× at
    /// 16 rows, even at 64–128, 0.85× at 512 — single core, thread CPU time). The AVX2 kernel is
    /// slower than OpenBLAS's, so AVX2 keeps sgemm for the layers.
    func usesRowGemm(rows: Int) -> Bool {
        KernelSystem.isa == .avx512 && rows >= gemmThreshold && rows < rowGemmMaxRows
    }

    /// Several products of the same activations, `ys[j] = x · W_jᵀ` (Q, K and V; gate and up), in one
    /// parallel region when `x` is short: each worker takes its share of every weight, so a decode
    /// step synchronises the workers once per group instead of once per matrix. Long batches, where
    /// synchronisation is noise next to sgemm, run one product at a time.
    public func matmul(_ x: FloatMatrix, _ pairs: [(weight: QuantizedMatrix, output: FloatMatrix)]) {
        let n = x.rows
        if n > 0, pairs.allSatisfy({ usesInt8(rows: n, $0.weight) }) {
            matmulInt8(x, pairs)
            return
        }
        guard n > 0, n < gemmThreshold, threads > 1, pairs.count > 1 else {
            for p in pairs { matmul(x, p.weight, into: p.output) }
            return
        }
        struct Part: @unchecked Sendable {
            let type: Int32, cols: Int, rowBytes: Int, outRows: Int
            let base: UnsafeRawPointer, y: UnsafeMutablePointer<Float>
            let ranges: [Range<Int>]
        }
        var parts: [Part] = []
        for (w, y) in pairs {
            precondition(x.cols == w.cols, "matmul: x has \(x.cols) columns, weight expects \(w.cols)")
            precondition(y.cols == w.rows, "matmul: output has \(y.cols) columns, weight has \(w.rows) rows")
            y.resize(rows: n)
            parts.append(Part(type: Int32(w.format.rawValue), cols: w.cols, rowBytes: w.rowBytes, outRows: w.rows,
                              base: w.base, y: y.storage, ranges: Self.split(w.rows, parts: threads, align: 16)))
        }
        let xp = SendablePointer(pointer: x.storage)
        let scratch = workerScratch(count: x.cols)
        let all = parts
        parallel(threads) { worker in
            for p in all where worker < p.ranges.count {
                _ = tk_matmul_rows(p.type, p.base, Int64(p.cols), p.rowBytes, xp.pointer, Int64(n), Int64(p.cols),
                                   p.y, Int64(p.outRows), Int64(p.ranges[worker].lowerBound), Int64(p.ranges[worker].upperBound),
                                   scratch[worker].pointer)
            }
        }
    }
}
