import CTKKernels

/// How activations enter the quantised matrix-vector products of short batches (decode).
///
/// `.float32` (the default) dots weight blocks with float32 activations: numbers match a float32
/// reference to rounding, and scoring always uses it. `.int8` first quantises each activation row
/// per 32-element block to 8 bits with one scale (as llama.cpp's Q8 activations), trading that
/// quantisation error (relative ~1e-2 per dot product) for integer dot products — an opt-in for
/// generation speed. Long batches (prefill, scoring) use dequantise + sgemm either way.
public enum ActivationPrecision: String, Sendable, CaseIterable {
    case float32
    case int8
}

/// One activation row quantised per 32-element block for the `.int8` kernels.
struct QuantizedActivations {
    var values: [Int8]
    var scales: [Float]
    var sums: [Float]

    init(row x: UnsafePointer<Float>, cols: Int) {
        precondition(cols % 32 == 0, "8-bit activations need a multiple of 32 columns, got \(cols)")
        values = [Int8](repeating: 0, count: cols)
        scales = [Float](repeating: 0, count: cols / 32)
        sums = [Float](repeating: 0, count: cols / 32)
        values.withUnsafeMutableBufferPointer { q in
            scales.withUnsafeMutableBufferPointer { s in
                sums.withUnsafeMutableBufferPointer { m in
                    tk_quantize_activations_q8(x, Int64(cols), q.baseAddress, s.baseAddress, m.baseAddress)
                }
            }
        }
    }
}

extension ComputeContext {
    /// Whether `.int8` applies to a product with `n` activation rows against weights of `w`'s format.
    func usesInt8(rows n: Int, _ w: QuantizedMatrix) -> Bool {
        activationPrecision == .int8 && n < gemmThreshold && w.cols % 32 == 0
            && tk_q8_activation_supported(Int32(w.format.rawValue)) != 0
    }

    /// `ys[j] = x · W_jᵀ` for short `x` with 8-bit activations: each row of `x` is quantised once
    /// and shared by every weight; each worker takes its share of every weight's rows.
    func matmulInt8(_ x: FloatMatrix, _ pairs: [(weight: QuantizedMatrix, output: FloatMatrix)]) {
        let n = x.rows
        for (w, y) in pairs {
            precondition(x.cols == w.cols, "matmul: x has \(x.cols) columns, weight expects \(w.cols)")
            precondition(y.cols == w.rows, "matmul: output has \(y.cols) columns, weight has \(w.rows) rows")
            y.resize(rows: n)
        }
        for t in 0..<n {
            let q = QuantizedActivations(row: x.storage + t * x.cols, cols: x.cols)
            q.values.withUnsafeBufferPointer { qv in
                q.scales.withUnsafeBufferPointer { qs in
                    q.sums.withUnsafeBufferPointer { qm in
                        let values = SendableRawPointer(pointer: UnsafeRawPointer(qv.baseAddress!))
                        let scales = SendableRawPointer(pointer: UnsafeRawPointer(qs.baseAddress!))
                        let sums = SendableRawPointer(pointer: UnsafeRawPointer(qm.baseAddress!))
                        let jobs = pairs.map { (w, y) in
                            (type: Int32(w.format.rawValue), cols: w.cols, rowBytes: w.rowBytes,
                             base: SendableRawPointer(pointer: w.base), y: SendablePointer(pointer: y.storage + t * y.cols),
                             ranges: Self.split(w.rows, parts: threads, align: 16))
                        }
                        parallel(threads) { worker in
                            for job in jobs where worker < job.ranges.count {
                                _ = tk_matvec_q8_rows(job.type, job.base.pointer, Int64(job.cols), job.rowBytes,
                                                      values.pointer.assumingMemoryBound(to: Int8.self),
                                                      scales.pointer.assumingMemoryBound(to: Float.self),
                                                      sums.pointer.assumingMemoryBound(to: Float.self),
                                                      job.y.pointer, Int64(job.ranges[worker].lowerBound),
                                                      Int64(job.ranges[worker].upperBound), 0)
                            }
                        }
                    }
                }
            }
        }
    }
}

extension Quantization {
    /// Whether `format` has an 8-bit-activation kernel (Q4_0, Q4_1, Q8_0).
    public static func supportsInt8Activations(_ format: WeightFormat) -> Bool {
        tk_q8_activation_supported(Int32(format.rawValue)) != 0
    }

    /// One encoded weight row · `x` through the 8-bit-activation kernel (`x` quantised per block
    /// first), for tests and callers outside a `ComputeContext`. `portable` runs the scalar loop.
    ///
    /// - Precondition: `x.count` is a multiple of 32, `format` is supported, and `row` holds
    ///   `format.byteCount(forElements: x.count)` bytes.
    public static func dotInt8Activations(row: [UInt8], format: WeightFormat, x: [Float], portable: Bool = false) -> Float {
        precondition(supportsInt8Activations(format), "\(format) has no 8-bit-activation kernel")
        precondition(row.count == format.byteCount(forElements: x.count), "row and x sizes disagree")
        let q = x.withUnsafeBufferPointer { QuantizedActivations(row: $0.baseAddress!, cols: x.count) }
        var y: Float = 0
        row.withUnsafeBytes { w in
            q.values.withUnsafeBufferPointer { v in
                q.scales.withUnsafeBufferPointer { s in
                    q.sums.withUnsafeBufferPointer { m in
                        _ = tk_matvec_q8_rows(Int32(format.rawValue), w.baseAddress, Int64(x.count), row.count,
                                              v.baseAddress, s.baseAddress, m.baseAddress, &y, 0, 1, portable ? 1 : 0)
                    }
                }
            }
        }
        return y
    }
}
