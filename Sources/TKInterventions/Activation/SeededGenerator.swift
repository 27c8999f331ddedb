/// SplitMix64: a tiny seeded generator, so fold splits are identical on every platform and Swift
/// version (`SystemRandomNumberGenerator` cannot be seeded, and the standard library's shuffle
/// algorithm is not documented to be stable across releases).
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15  // wrapping by design (SplitMix64)
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform integer in `0..<bound` (bound > 0), by rejection so there is no modulo bias.
    mutating func below(_ bound: Int) -> Int {
        let b = UInt64(bound)
        let limit = UInt64.max - UInt64.max % b
        while true {
            let v = next()
            if v < limit { return Int(v % b) }
        }
    }

    /// Fisher–Yates shuffle written out, so the order depends only on the seed.
    mutating func shuffled<T>(_ values: [T]) -> [T] {
        var a = values
        if a.count < 2 { return a }
        for i in stride(from: a.count - 1, to: 0, by: -1) {
            let j = below(i + 1)
            a.swapAt(i, j)
        }
        return a
    }
}
