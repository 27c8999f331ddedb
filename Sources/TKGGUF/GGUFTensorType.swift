import TKKernels

/// The ggml tensor types this build can read, with their block geometry.
///
/// Raw values are ggml's `ggml_type` numbers as stored in the file.
public enum GGUFTensorType: UInt32, Sendable, CaseIterable, CustomStringConvertible {
    case f32 = 0, f16 = 1, q4_0 = 2, q4_1 = 3, q5_0 = 6, q5_1 = 7, q8_0 = 8
    case q4_K = 12, q5_K = 13, q6_K = 14, bf16 = 30

    /// The kernels' format for this type (the same ggml numbers): where the block geometry is defined.
    var format: WeightFormat {
        guard let format = WeightFormat(rawValue: rawValue) else {
            preconditionFailure("GGUFTensorType \(rawValue) has no WeightFormat; the two enums list the same ggml types")
        }
        return format
    }

    /// Elements per quantisation block (`WeightFormat.blockSize`: one definition of the geometry).
    public var blockSize: Int { format.blockSize }

    /// Bytes per quantisation block (`WeightFormat.bytesPerBlock`).
    public var bytesPerBlock: Int { format.bytesPerBlock }

    /// ggml's name for the type, e.g. "Q4_K" (the kernels' name for the format).
    public var description: String { format.description }

    /// ggml type names for numbers this build does not read, so errors can name them.
    public static func name(ofRawType raw: UInt32) -> String {
        if let t = GGUFTensorType(rawValue: raw) { return t.description }
        let others: [UInt32: String] = [
            9: "Q8_1", 10: "Q2_K", 11: "Q3_K", 15: "Q8_K", 16: "IQ2_XXS", 17: "IQ2_XS", 18: "IQ3_XXS",
            19: "IQ1_S", 20: "IQ4_NL", 21: "IQ3_S", 22: "IQ2_S", 23: "IQ4_XS", 24: "I8", 25: "I16",
            26: "I32", 27: "I64", 28: "F64", 29: "IQ1_M", 34: "TQ1_0", 35: "TQ2_0", 39: "MXFP4",
        ]
        return others[raw] ?? "type #\(raw)"
    }

    public static var supportedList: String { allCases.map(\.description).joined(separator: ", ") }
}
