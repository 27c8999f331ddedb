import TKMetrics

/// The option order a seeded shuffle gives one item: the same seed and item index give the same
/// order on every machine and every release (Fisher–Yates written out over `SeededGenerator`: the
/// standard library's shuffle algorithm may change between releases).
public enum SeededShuffle {
    /// A permutation of `0..<count`: `result[k]` is the original position shown at position k.
    public static func permutation(count: Int, seed: UInt64, index: Int) -> [Int] {
        var order = Array(0..<count)
        var random = SeededGenerator(seed: seed ^ (UInt64(index) &* 0x9E37_79B9_7F4A_7C15))
        for i in stride(from: count - 1, to: 0, by: -1) {
            order.swapAt(i, Int(random.next() % UInt64(i + 1)))
        }
        return order
    }
}
