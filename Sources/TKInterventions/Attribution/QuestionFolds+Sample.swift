import TKRandom

extension QuestionFolds {
    /// Fold `fold`'s training questions, or a seeded sample of `count` of them, ascending: the
    /// questions a costly fit (integrated gradients) attributes when it cannot afford them all.
    public func trainingSample(fold: Int, count: Int?) -> [Int] {
        let training = training(fold: fold)
        guard let count, count < training.count else { return training }
        var generator = SplitMix64(seed: seed &+ 0x7F4A_7C15 &* UInt64(fold + 1))  // wrapping mix of seed and fold
        return Array(generator.shuffled(training).prefix(count)).sorted()
    }
}
