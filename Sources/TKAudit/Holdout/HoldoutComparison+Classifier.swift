import TKMetrics
import TKRandom

extension HoldoutComparison {
    /// Fits a binary classifier to rows and labels and returns its prediction function. Injected so
    /// the audit stays free of any one learner (the CLI passes TKInterventions' L2 logistic regression).
    public typealias Fitter = @Sendable (_ rows: [[Float]], _ labels: [Bool]) throws -> @Sendable ([Float]) -> Bool

    /// Stratified k-fold cross-validated accuracy of `fit` telling rows in `a` (label true) from
    /// rows in `b` (false). Folds: each label's rows in a seeded shuffle, dealt round-robin.
    public static func crossValidatedAccuracy(rows: [[Float]], a: [Int], b: [Int], folds: Int, seed: UInt64, fit: Fitter) throws -> Double {
        var generator = SplitMix64(seed: seed)
        var fold = [Int](repeating: 0, count: rows.count)
        var label = [Bool](repeating: false, count: rows.count)
        for i in a { label[i] = true }
        for group in [a, b] {
            for (k, i) in generator.shuffled(group).enumerated() { fold[i] = k % folds }
        }
        let members = a + b
        var correct = 0
        for f in 0..<folds {
            let train = members.filter { fold[$0] != f }, test = members.filter { fold[$0] == f }
            guard !test.isEmpty else { continue }
            let predict = try fit(train.map { rows[$0] }, train.map { label[$0] })
            correct += test.filter { predict(rows[$0]) == label[$0] }.count
        }
        return Double(correct) / Double(members.count)
    }

    /// The two-sample classifier test: cross-validated accuracy on the real split, and its
    /// permutation p-value over random splits of the same sizes.
    public static func classifierTest(original: [[Float]], holdout: [[Float]], folds: Int = 5, permutations: Int = 100,
                                      seed: UInt64 = 0, fit: Fitter, onSplit: () -> Void = {}) throws -> Classifier {
        guard original.count >= folds, holdout.count >= folds else {
            throw AuditError(.tooFewItems, "a \(folds)-fold classifier test needs at least \(folds) items in each set (got \(original.count) original, \(holdout.count) holdout)")
        }
        let rows = original + holdout
        // Monte-Carlo permutations only: every split needs `folds` fits.
        let test = try PermutationTest(sizes: original.count, holdout.count, permutations: permutations, seed: seed, exactLimit: 0) { a, b in
            defer { onSplit() }
            return try crossValidatedAccuracy(rows: rows, a: a, b: b, folds: folds, seed: seed, fit: fit)
        }
        let chance = Double(max(original.count, holdout.count)) / Double(rows.count)
        return Classifier(folds: folds, accuracy: test.statistic, chance: chance, test: test)
    }
}
