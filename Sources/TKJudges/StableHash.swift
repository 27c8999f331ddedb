/// FNV-1a (64-bit) of strings: a hash that is the same on every run and platform (Swift's
/// `Hasher` is seeded per process), for putting "which reference pool" into a judge's fingerprint.
/// Not cryptographic; it only needs to change when the pool does.
struct StableHash {
    private(set) var value: UInt64 = 0xCBF2_9CE4_8422_2325

    mutating func combine(_ string: String) {
        for byte in string.utf8 {
            value ^= UInt64(byte)
            // Wrapping multiplication is the algorithm (arithmetic modulo 2⁶⁴).
            value = value &* 0x0000_0100_0000_01B3
        }
        // A separator byte that never occurs in UTF-8 text, so ["ab", "c"] and ["a", "bc"] differ.
        value ^= 0xFF
        value = value &* 0x0000_0100_0000_01B3
    }

    /// 16 lowercase hex digits.
    var hex: String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
