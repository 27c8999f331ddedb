import Foundation
import TKAudit
import TKBenchmarks
import TKMetrics
import Testing

@Suite struct HoldoutComparisonTests {
    @Test func exactPermutationPValueOfAPerfectSplit() throws {
        // Pooled values 0,0,0,1,1,1 split 3/3: C(6,3) = 20 splits. The squared distance between the
        // group means is 1 only for {0,0,0}|{1,1,1} and its mirror, so p = 2/20 = 0.1 exactly.
        let test = try HoldoutComparison.embeddingTest(original: [[0], [0], [0]], holdout: [[1], [1], [1]])
        #expect(test.exact)
        #expect(test.permutations == 20)
        #expect(test.statistic == 1)
        #expect(abs(test.pValue - 0.1) < 1e-12)
    }

    @Test func identicalSetsAreNeverSignificant() throws {
        let rows: [[Float]] = [[1, 2], [3, 1], [0, 0], [2, 2]]
        let test = try HoldoutComparison.embeddingTest(original: rows, holdout: rows)
        // Every split's statistic is ≥ the observed 0, so p = 1.
        #expect(test.statistic == 0)
        #expect(test.pValue == 1)
    }

    @Test func kolmogorovSmirnovMatchesHandWorkedValues() {
        // scipy.stats.ks_2samp([1,2,3,4],[3,4,5,6]).statistic == 0.5; identical samples give 0; disjoint give 1.
        #expect(HoldoutComparison.kolmogorovSmirnov([1, 2, 3, 4], [3, 4, 5, 6]) == 0.5)
        #expect(HoldoutComparison.kolmogorovSmirnov([1, 2, 3], [3, 2, 1]) == 0)
        #expect(HoldoutComparison.kolmogorovSmirnov([0, 0], [1, 1]) == 1)
    }

    @Test func gapAndQuartiles() throws {
        let gap = try HoldoutComparison.gap(metric: "mc1", original: [1, 1, 1, 1], holdout: [0, 0, 0, 0], bootstrap: Bootstrap(resamples: 100))
        #expect(gap.difference == 1 && gap.lower == 1 && gap.upper == 1)
        // numpy.percentile([0.1, 0.2, 0.3, 0.4], [25, 50, 75]) = [0.175, 0.25, 0.325].
        let d = try HoldoutComparison.difficulty(metric: "mc2", original: [0.4, 0.1, 0.3, 0.2], holdout: [0.1, 0.2], permutations: 10)
        #expect(zip(d.originalQuartiles, [0.175, 0.25, 0.325]).allSatisfy { abs($0 - $1) < 1e-12 })
    }

    @Test func aClassifierSeparatesSeparableSetsAndNotShuffledOnes() throws {
        // 1-D rows: original around −2, holdout around +2; the learner thresholds at the midpoint of the class means.
        let original: [[Float]] = (0..<10).map { [-2 - Float($0) * 0.1] }
        let holdout: [[Float]] = (0..<10).map { [2 + Float($0) * 0.1] }
        let fit: HoldoutComparison.Fitter = { rows, labels in
            let t = rows.indices.filter { labels[$0] }.map { rows[$0][0] }, f = rows.indices.filter { !labels[$0] }.map { rows[$0][0] }
            let mt = t.reduce(0, +) / Float(t.count), mf = f.reduce(0, +) / Float(f.count)
            let cut = (mt + mf) / 2
            return { ($0[0] > cut) == (mt > mf) }
        }
        let result = try HoldoutComparison.classifierTest(original: original, holdout: holdout, folds: 5, permutations: 50, fit: fit)
        #expect(result.accuracy == 1)
        #expect(result.chance == 0.5)
        // Only 2 of the C(20,10) = 184,756 splits are separable, so no random split reaches 1.0: p = 1/51.
        #expect(abs(result.test.pValue - 1.0 / 51.0) < 1e-12)
        #expect(throws: AuditError.self) {
            try HoldoutComparison.classifierTest(original: Array(original.prefix(3)), holdout: holdout, folds: 5, fit: fit)
        }
    }

    @Test func theShippedFixtureHoldoutLoadsAsTruthfulQA() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/holdout-misconceptions.csv").path
        let dataset = try TruthfulQADataset.loadCSV(path: path)
        #expect(dataset.items.count == 12)
        #expect(dataset.items.allSatisfy { $0.category == "Misconceptions" && $0.type == .nonAdversarial })
        #expect(dataset.items.allSatisfy { $0.incorrectAnswers.count == 3 && $0.source != nil })
    }
}
