import TKMetrics
import TKRandom

/// Retro-holdout comparison (Haimes et al., "Benchmark Inflation"): a model's score on the
/// original benchmark items against its score on newly written items meant to be
/// indistinguishable from them, with the checks that the new items really are comparable.
///
/// - gap: mean(original) − mean(holdout) with a bootstrap interval (each set resampled on its own;
///   the sets share no items, so nothing is paired). A positive gap that excludes 0 is what
///   contamination-driven inflation looks like — if the indistinguishability checks pass.
/// - difficulty: the two per-item score distributions compared by the Kolmogorov–Smirnov
///   statistic with a permutation p-value.
/// - embedding: a permutation test on the distance between the mean embeddings of the two sets'
///   questions (the model's own hidden states).
/// - classifier: cross-validated accuracy of a logistic regression telling the sets apart from
///   the embeddings, with a permutation p-value (chance is the majority-class rate).
public struct HoldoutComparison: Sendable, Codable, Equatable {
    public struct Gap: Sendable, Codable, Equatable {
        public var metric: String
        public var original: MetricEstimate
        public var holdout: MetricEstimate
        /// original − holdout.
        public var difference: Double
        public var lower: Double
        public var upper: Double
    }

    public struct Difficulty: Sendable, Codable, Equatable {
        public var metric: String
        /// Quartiles (25th, 50th, 75th percentile) of each set's per-item scores.
        public var originalQuartiles: [Double]
        public var holdoutQuartiles: [Double]
        /// Kolmogorov–Smirnov statistic and its permutation test.
        public var ks: PermutationTest
    }

    public struct Classifier: Sendable, Codable, Equatable {
        public var folds: Int
        public var accuracy: Double
        /// The accuracy of always guessing the larger set.
        public var chance: Double
        public var test: PermutationTest
    }

    public var nOriginal: Int
    public var nHoldout: Int
    public var gaps: [Gap]
    public var difficulty: [Difficulty]
    public var embedding: PermutationTest?
    public var classifier: Classifier?

    /// A comparison to fill in: `gap`, `difficulty`, `embeddingTest` and `classifierTest` compute the parts.
    public init(nOriginal: Int, nHoldout: Int, gaps: [Gap] = [], difficulty: [Difficulty] = [],
                embedding: PermutationTest? = nil, classifier: Classifier? = nil) {
        self.nOriginal = nOriginal
        self.nHoldout = nHoldout
        self.gaps = gaps
        self.difficulty = difficulty
        self.embedding = embedding
        self.classifier = classifier
    }

    /// The gap on one metric, its interval from `bootstrap` (independent resamples of each set).
    public static func gap(metric: String, original: [Double], holdout: [Double], bootstrap: Bootstrap = Bootstrap()) throws -> Gap {
        let a = try bootstrap.estimate(original)
        let b = try bootstrap.estimate(holdout)
        var generator = SplitMix64(seed: bootstrap.seed)
        var differences: [Double] = []
        for _ in 0..<bootstrap.resamples {
            var sa = 0.0, sb = 0.0
            for _ in original.indices { sa += original[generator.index(below: original.count)] }
            for _ in holdout.indices { sb += holdout[generator.index(below: holdout.count)] }
            differences.append(sa / Double(original.count) - sb / Double(holdout.count))
        }
        differences.sort()
        let tail = (1 - bootstrap.confidence) / 2
        let lower = differences[Int((tail * Double(differences.count - 1)).rounded())]
        let upper = differences[Int(((1 - tail) * Double(differences.count - 1)).rounded())]
        return Gap(metric: metric, original: a, holdout: b, difference: a.mean - b.mean, lower: lower, upper: upper)
    }

    /// Largest distance between the two empirical distribution functions.
    public static func kolmogorovSmirnov(_ a: [Double], _ b: [Double]) -> Double {
        let a = a.sorted(), b = b.sorted()
        var i = 0, j = 0, d = 0.0
        while i < a.count && j < b.count {
            let x = min(a[i], b[j])
            while i < a.count && a[i] <= x { i += 1 }
            while j < b.count && b[j] <= x { j += 1 }
            d = max(d, abs(Double(i) / Double(a.count) - Double(j) / Double(b.count)))
        }
        return d
    }

    public static func difficulty(metric: String, original: [Double], holdout: [Double], permutations: Int = 1_000, seed: UInt64 = 0) throws -> Difficulty {
        let pooled = original + holdout
        let test = try PermutationTest(sizes: original.count, holdout.count, permutations: permutations, seed: seed) { x, y in
            kolmogorovSmirnov(x.map { pooled[$0] }, y.map { pooled[$0] })
        }
        return Difficulty(metric: metric, originalQuartiles: quartiles(original), holdoutQuartiles: quartiles(holdout), ks: test)
    }

    static func quartiles(_ values: [Double]) -> [Double] {
        let s = values.sorted()
        return [0.25, 0.5, 0.75].map { q in
            // Linear interpolation between order statistics (numpy's default).
            let position = q * Double(s.count - 1)
            let low = Int(position.rounded(.down)), high = Int(position.rounded(.up))
            return s[low] + (s[high] - s[low]) * (position - Double(low))
        }
    }

    /// Squared distance between the mean vectors of two groups of rows.
    public static func meanDistance(_ rows: [[Float]], _ a: [Int], _ b: [Int]) -> Double {
        let dim = rows.first?.count ?? 0
        var ma = [Double](repeating: 0, count: dim), mb = ma
        for i in a { for k in 0..<dim { ma[k] += Double(rows[i][k]) } }
        for i in b { for k in 0..<dim { mb[k] += Double(rows[i][k]) } }
        var d = 0.0
        for k in 0..<dim {
            let diff = ma[k] / Double(a.count) - mb[k] / Double(b.count)
            d += diff * diff
        }
        return d
    }

    /// The embedding permutation test: rows of `original` then `holdout`.
    public static func embeddingTest(original: [[Float]], holdout: [[Float]], permutations: Int = 1_000, seed: UInt64 = 0) throws -> PermutationTest {
        let rows = original + holdout
        guard Set(rows.map(\.count)).count == 1 else { throw AuditError(.invalidData, "embeddings differ in length") }
        return try PermutationTest(sizes: original.count, holdout.count, permutations: permutations, seed: seed) { a, b in
            meanDistance(rows, a, b)
        }
    }
}
