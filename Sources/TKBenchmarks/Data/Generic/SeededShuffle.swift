import TKRandom

/// The option order a seeded shuffle gives one item: the same seed and item index give the same
/// order on every machine and every release (TKRandom's `SplitMix64`, one stream per item).
public enum SeededShuffle {
    /// A permutation of `0..<count`: `result[k]` is the original position shown at position k.
    public static func permutation(count: Int, seed: UInt64, index: Int) -> [Int] {
        var random = SplitMix64(seed: seed, item: index)
        return random.shuffled(Array(0..<count))
    }
}
