/// GPT-2's reversible map between bytes and printable code points.
///
/// Byte-level BPE vocabularies store every token as text in which each byte is replaced by one
/// printable character: bytes that are already visible Latin-1 (`!`…`~`, `¡`…`¬`, `®`…`ÿ`) map to
/// themselves, the other 68 to U+0100 onwards in byte order (so a space is "Ġ", a newline "Ċ").
enum ByteLevelMapping {
    /// `scalar[b]` is the code point standing for byte `b`.
    static let scalar: [UInt32] = {
        var table = [UInt32](repeating: 0, count: 256)
        var next: UInt32 = 256
        for b in 0..<256 {
            if isPrintable(b) {
                table[b] = UInt32(b)
            } else {
                table[b] = next
                next += 1
            }
        }
        return table
    }()

    /// `utf8[b]` is the UTF-8 encoding of `scalar[b]` (one or two bytes).
    static let utf8: [[UInt8]] = scalar.map { Array(String(Unicode.Scalar($0)!).utf8) }

    /// Inverse of `scalar`: the byte a code point stands for, or nil when it stands for none.
    static func byte(for scalar: UInt32) -> UInt8? {
        guard scalar < UInt32(inverse.count) else { return nil }
        let b = inverse[Int(scalar)]
        return b >= 0 ? UInt8(b) : nil
    }

    private static let inverse: [Int16] = {
        var table = [Int16](repeating: -1, count: 324)  // the highest mapped code point is U+0143
        for (b, s) in scalar.enumerated() { table[Int(s)] = Int16(b) }
        return table
    }()

    private static func isPrintable(_ b: Int) -> Bool {
        (0x21...0x7E).contains(b) || (0xA1...0xAC).contains(b) || (0xAE...0xFF).contains(b)
    }
}
