import CTKKernels

// The portable scalar code paths, reachable from the package's tests so the SIMD kernels can be
// compared with them on the same inputs. Nothing outside the package should need them.
extension Quantization {
    /// `dequantize(_:format:count:)` through the scalar C code only; bit-identical by contract.
    package static func dequantizePortable(_ bytes: [UInt8], format: WeightFormat, count: Int) -> [Float] {
        decode(bytes, format: format, count: count, kernel: tk_dequantize_row_scalar)
    }

    /// IEEE half bits to float: `portable` picks the scalar code over F16C.
    package static func floatFromHalf(_ bits: UInt16, portable: Bool = false) -> Float {
        portable ? tk_quant_f16_to_f32_scalar(bits) : tk_quant_f16_to_f32(bits)
    }

    /// Float to IEEE half bits, round to nearest even: `portable` picks the scalar code over F16C.
    package static func halfBits(_ value: Float, portable: Bool = false) -> UInt16 {
        portable ? tk_quant_f32_to_f16_scalar(value) : tk_quant_f32_to_f16(value)
    }

    /// C geometry (`tk_block_size`, `tk_type_size`) for a raw ggml type number; 0 when unknown.
    package static func cGeometry(rawType: UInt32) -> (blockSize: Int, bytesPerBlock: Int) {
        (Int(tk_block_size(Int32(bitPattern: rawType))), Int(tk_type_size(Int32(bitPattern: rawType))))
    }
}
