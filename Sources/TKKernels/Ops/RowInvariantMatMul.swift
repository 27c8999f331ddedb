import CTKKernels

extension ComputeContext {
    /// `y = x · Wᵀ` (x `n × cols`, W `rows × cols` quantised, y `n × rows`) with every element summed
    /// in one fixed order, whatever `n`, the split over workers or the ISA path (see `rowgemm.c`):
    /// a row's products are bit-identical alone, in a batch of hundreds, or on a lower `isa`.
    ///
    /// This is what the scoring paths use for the output head, so that which other rows share a
    /// call (scored rows only, a prefix row joined to its branches, 32-row chunks) never changes a
    /// log-probability. OpenBLAS's sgemm cannot promise that: it takes gemv for one row and, in its
    /// AVX2 kernels, a different summation for different row counts.
    ///
    /// - Parameter isa: the kernel path; at most `KernelSystem.isa` (tests force the lower ones).
    public func rowInvariantMatmul(_ x: FloatMatrix, _ w: QuantizedMatrix, into y: FloatMatrix, isa: KernelISA = KernelSystem.isa) {
        precondition(x.cols == w.cols, "matmul: x has \(x.cols) columns, weight expects \(w.cols)")
        precondition(y.cols == w.rows, "matmul: output has \(y.cols) columns, weight has \(w.rows) rows")
        precondition(isa <= KernelSystem.isa, "rowInvariantMatmul: \(isa) is above this process's ISA \(KernelSystem.isa)")
        let n = x.rows
        y.resize(rows: n)
        guard n > 0 else { return }
        let type = Int32(w.format.rawValue), cols = w.cols, rowBytes = w.rowBytes, outRows = w.rows, level = isa.kernelCode
        let base = SendableRawPointer(pointer: w.base)
        let xp = SendablePointer(pointer: x.storage), yp = SendablePointer(pointer: y.storage)
        let ranges = Self.split(w.rows, parts: threads, align: 16)
        let scratch = workerScratch(count: Int(tk_rowgemm_scratch_floats(Int64(cols))))
        parallel(ranges.count) { i in
            _ = tk_rowgemm(type, base.pointer, Int64(cols), rowBytes, xp.pointer, Int64(n), Int64(cols),
                           yp.pointer, Int64(outRows), Int64(ranges[i].lowerBound), Int64(ranges[i].upperBound),
                           scratch[i].pointer, level)
        }
    }
}

extension KernelISA {
    /// The C kernels' code for this path (`TK_ISA_*`).
    var kernelCode: Int32 {
        switch self {
        case .baseline: Int32(TK_ISA_BASELINE)
        case .avx2: Int32(TK_ISA_AVX2)
        case .avx512: Int32(TK_ISA_AVX512)
        }
    }
}
