/// The ggml block formats Kernels can encode and decode.
///
/// Raw values are ggml's `ggml_type` numbers, the same numbers a GGUF tensor directory stores, so
/// a GGUF tensor type converts with `WeightFormat(rawValue: type.rawValue)`. Each format packs
/// `blockSize` consecutive elements of a row into `bytesPerBlock` bytes, laid out exactly as ggml
/// writes them (ggml-common.h); rows are whole blocks.
public enum WeightFormat: UInt32, Sendable, CaseIterable, CustomStringConvertible {
    case f32 = 0, f16 = 1, q4_0 = 2, q4_1 = 3, q5_0 = 6, q5_1 = 7, q8_0 = 8
    case q4_K = 12, q5_K = 13, q6_K = 14, bf16 = 30

    /// Elements per block: 1 for the float formats, 32 for Q4_0 … Q8_0, 256 for the K formats.
    public var blockSize: Int {
        switch self {
        case .f32, .f16, .bf16: 1
        case .q4_0, .q4_1, .q5_0, .q5_1, .q8_0: 32
        case .q4_K, .q5_K, .q6_K: 256
        }
    }

    /// Bytes per block.
    public var bytesPerBlock: Int {
        switch self {
        case .f32: 4
        case .f16, .bf16: 2
        case .q4_0: 18  // f16 d, 16 bytes of nibbles
        case .q4_1: 20  // f16 d, f16 m, 16 bytes of nibbles
        case .q5_0: 22  // f16 d, 4 bytes of high bits, 16 bytes of nibbles
        case .q5_1: 24  // f16 d, f16 m, 4 bytes of high bits, 16 bytes of nibbles
        case .q8_0: 34  // f16 d, 32 signed bytes
        case .q4_K: 144 // f16 d, f16 dmin, 12 bytes of 6-bit scales/mins, 128 bytes of nibbles
        case .q5_K: 176 // as Q4_K plus 32 bytes of high bits
        case .q6_K: 210 // 128 bytes low nibbles, 64 bytes high pairs, 16 signed scales, f16 d
        }
    }

    /// Bytes needed for `count` elements.
    ///
    /// - Precondition: `count` is a non-negative multiple of `blockSize`.
    public func byteCount(forElements count: Int) -> Int {
        precondition(count >= 0 && count % blockSize == 0,
                     "\(self): \(count) elements is not a whole number of \(blockSize)-element blocks")
        return count / blockSize * bytesPerBlock
    }

    /// ggml's name for the format, e.g. "Q4_K".
    public var description: String {
        switch self {
        case .f32: "F32"
        case .f16: "F16"
        case .bf16: "BF16"
        case .q4_0: "Q4_0"
        case .q4_1: "Q4_1"
        case .q5_0: "Q5_0"
        case .q5_1: "Q5_1"
        case .q8_0: "Q8_0"
        case .q4_K: "Q4_K"
        case .q5_K: "Q5_K"
        case .q6_K: "Q6_K"
        }
    }
}
