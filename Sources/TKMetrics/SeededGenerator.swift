/// A small deterministic random number generator (SplitMix64) for resampling.
///
/// The standard library's generator is seeded from the system and cannot be replayed, and
/// `Int.random(in:using:)` does not promise the same draws across Swift versions. Bootstrap
/// intervals must be reproducible from a seed written in a report, so both the stream and the
/// bounded draw are defined here.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) {
        state = seed
    }

    /// SplitMix64 (Steele, Lea and Flood, 2014), as in `java.util.SplittableRandom`.
    public mutating func next() -> UInt64 {
        // Wrapping arithmetic is the algorithm: the state walks the integers modulo 2⁶⁴.
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform integer in `0..<bound`, without modulo bias (Lemire's multiply-and-reject).
    ///
    /// - Precondition: `bound > 0`.
    public mutating func index(below bound: Int) -> Int {
        precondition(bound > 0, "index(below:) needs a positive bound")
        let range = UInt64(bound)
        // The rejection threshold is 2⁶⁴ mod range, computed in 64 bits as (0 − range) mod range.
        let threshold = (0 &- range) % range
        while true {
            let product = next().multipliedFullWidth(by: range)
            if product.low >= threshold { return Int(product.high) }
        }
    }
}
