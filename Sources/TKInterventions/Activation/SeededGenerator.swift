import TKEngine

/// Fold splits and probe training draw from the engine's SplitMix64 (the same stream on every
/// platform and Swift version; `SystemRandomNumberGenerator` cannot be seeded, and the standard
/// library's shuffle is not documented to be stable across releases). These draws are written
/// out here so a fold split depends only on its seed.
typealias SeededGenerator = SplitMix64

extension SplitMix64 {
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
