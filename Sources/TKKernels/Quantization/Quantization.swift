import CTKKernels

/// Safe entry points to the ggml block codecs in CTKKernels (dequant.c, quantize.c).
///
/// Decoding uses AVX2/F16C kernels when the C target is built with them and is bit-identical to
/// ggml's scalar `dequantize_row_*` (and to gguf-py) either way. Encoding follows ggml's reference
/// quantisers (`quantize_row_*_ref`), so the bytes match what llama.cpp's tools write for the
/// legacy formats; use it to build test weights, not in a hot loop.
public enum Quantization {
    /// Decodes `count` elements of `format` from `bytes`.
    ///
    /// - Precondition: `count` is a multiple of `format.blockSize` and
    ///   `bytes.count == format.byteCount(forElements: count)`.
    public static func dequantize(_ bytes: [UInt8], format: WeightFormat, count: Int) -> [Float] {
        decode(bytes, format: format, count: count, kernel: tk_dequantize_row)
    }

    /// Encodes `values` as `format`; the result has `format.byteCount(forElements: values.count)` bytes.
    ///
    /// The block formats need finite values, as in ggml (NaN or infinity makes a meaningless
    /// block); the float formats take anything.
    ///
    /// - Precondition: `values.count` is a multiple of `format.blockSize`.
    public static func quantize(_ values: [Float], format: WeightFormat) -> [UInt8] {
        let byteCount = format.byteCount(forElements: values.count)
        return values.withUnsafeBufferPointer { src in
            [UInt8](unsafeUninitializedCapacity: byteCount) { dst, initialized in
                // Every byte of every block is written (the quantisers build each block in full).
                let written = tk_quantize_row(Int32(format.rawValue), src.baseAddress, dst.baseAddress,
                                              Int64(values.count))
                precondition(written == byteCount, "\(format): encoder wrote \(written) of \(byteCount) bytes")
                initialized = byteCount
            }
        }
    }

    /// Decodes `destination.count` elements of `format` from raw bytes (a mapped file, say).
    ///
    /// - Precondition: `destination.count` is a multiple of `format.blockSize` and `source`
    ///   holds at least `format.byteCount(forElements: destination.count)` bytes. `source`
    ///   needs no alignment.
    public static func dequantize(_ source: UnsafeRawBufferPointer, format: WeightFormat,
                                  into destination: UnsafeMutableBufferPointer<Float>) {
        let byteCount = format.byteCount(forElements: destination.count)
        precondition(source.count >= byteCount,
                     "\(format): \(destination.count) elements need \(byteCount) bytes, got \(source.count)")
        guard let dst = destination.baseAddress, let src = source.baseAddress, destination.count > 0 else { return }
        tk_dequantize_row(Int32(format.rawValue), src, dst, Int64(destination.count))
    }

    /// Whether the C target was built with the AVX2/F16C decoders (otherwise every path is scalar).
    public static var hasSIMDKernels: Bool { tk_dequantize_has_simd() != 0 }

    typealias RowKernel = (Int32, UnsafeRawPointer?, UnsafeMutablePointer<Float>?, Int64) -> Void

    static func decode(_ bytes: [UInt8], format: WeightFormat, count: Int, kernel: RowKernel) -> [Float] {
        let byteCount = format.byteCount(forElements: count)
        precondition(bytes.count == byteCount,
                     "\(format): \(count) elements take \(byteCount) bytes, got \(bytes.count)")
        return bytes.withUnsafeBytes { src in
            [Float](unsafeUninitializedCapacity: count) { dst, initialized in
                if count > 0 { kernel(Int32(format.rawValue), src.baseAddress, dst.baseAddress, Int64(count)) }
                initialized = count
            }
        }
    }
}
