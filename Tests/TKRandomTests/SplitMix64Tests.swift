import Testing
import TKRandom

/// Expected values come from an independent Python transcription of Vigna's `splitmix64.c`, with
/// Lemire's bounded draw `(next() * bound) >> 64` (rejecting when the low word is below
/// `2⁶⁴ mod bound`) and the Fisher–Yates loop `for i in n-1…1: swap(i, below(i+1))`:
///
///     def sm(seed):  # yields splitmix64 outputs
///         s = seed
///         while True:
///             s = (s + 0x9E3779B97F4A7C15) % 2**64; z = s
///             z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) % 2**64
///             z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) % 2**64
///             yield z ^ (z >> 31)
struct SplitMix64Tests {
    @Test func matchesTheReferenceStream() {
        // First outputs of splitmix64.c seeded with 0.
        var generator = SplitMix64(seed: 0)
        #expect(generator.next() == 0xE220_A839_7B1D_CDAF)
        #expect(generator.next() == 0x6E78_9E6A_A1B9_65F4)
    }

    @Test func boundedDrawsFollowLemiresRule() {
        var generator = SplitMix64(seed: 0)
        #expect((0..<8).map { _ in generator.index(below: 10) } == [8, 4, 0, 9, 1, 3, 1, 7])
        var one = SplitMix64(seed: 99)
        #expect((0..<20).allSatisfy { _ in one.index(below: 1) == 0 })
    }

    @Test func boundedDrawsCoverTheRangeEvenly() {
        var generator = SplitMix64(seed: 7)
        var counts = [Int](repeating: 0, count: 7)
        for _ in 0..<7_000 {
            counts[generator.index(below: 7)] += 1
        }
        // Each bucket expects 1,000; ±150 is more than 5 standard deviations.
        #expect(counts.allSatisfy { abs($0 - 1_000) < 150 })
    }

    @Test func shuffleIsFisherYatesOverTheBoundedDraw() {
        var generator = SplitMix64(seed: 42)
        #expect(generator.shuffled(Array(0..<6)) == [2, 5, 3, 1, 0, 4])
        var empty = SplitMix64(seed: 42)
        #expect(empty.shuffled([Int]()) == [])
    }

    @Test func unitIntervalTakesTheTop53Bits() {
        var generator = SplitMix64(seed: 1)
        #expect(generator.unitInterval() == 0.5665615751722809)
        #expect(generator.unitInterval() == 0.7457817572627011)
    }

    @Test func itemStreamsAreIndependentOfEachOtherAndOfOrder() {
        var a = SplitMix64(seed: 5, item: 3), b = SplitMix64(seed: 5, item: 4)
        #expect(a.next() != b.next())
        var again = SplitMix64(seed: 5, item: 3), first = SplitMix64(seed: 5, item: 3)
        #expect(again.next() == first.next())
    }
}
