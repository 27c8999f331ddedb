/// The one seeded random generator of TruthKit: SplitMix64 (Steele, Lea and Flood, 2014, as in
/// `java.util.SplittableRandom` and Vigna's `splitmix64.c`).
///
/// Everything that must replay from a seed written in a report or a file draws from it: bootstrap
/// resampling, fold splits and probe training, judge few-shot selection, option shuffles, and
/// sampled generation. The standard library's generator cannot be seeded, and neither
/// `Int.random(in:using:)` nor `shuffle(using:)` promises the same draws across Swift releases, so
/// the stream, the bounded draw and the shuffle are all defined here, once.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) {
        state = seed
    }

    public mutating func next() -> UInt64 {
        // Wrapping arithmetic is the algorithm: the state walks the integers modulo 2⁶⁴ (a Weyl
        // sequence) and the output is its mixed image.
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform integer in `0..<bound`, without modulo bias (Lemire's multiply-and-reject: one
    /// 64×64-bit multiply per draw, a retry only with probability `bound / 2⁶⁴`).
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

    /// A uniform double in [0, 1) from the top 53 bits of one draw (every representable multiple
    /// of 2⁻⁵³ equally likely).
    public mutating func unitInterval() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// Fisher–Yates, written out so an order depends only on the seed.
    public mutating func shuffle<T>(_ values: inout [T]) {
        guard values.count > 1 else { return }
        for i in stride(from: values.count - 1, to: 0, by: -1) {
            values.swapAt(i, index(below: i + 1))
        }
    }

    /// `values` in the order `shuffle(_:)` gives them.
    public mutating func shuffled<T>(_ values: [T]) -> [T] {
        var copy = values
        shuffle(&copy)
        return copy
    }
}

extension SplitMix64 {
    /// A generator for one item of a seeded run (item `index` under run seed `seed`): items get
    /// independent streams, and one item's draws do not depend on which other items ran first.
    public init(seed: UInt64, item index: Int) {
        self.init(seed: seed ^ (UInt64(truncatingIfNeeded: index) &* 0x9E37_79B9_7F4A_7C15))
    }
}
