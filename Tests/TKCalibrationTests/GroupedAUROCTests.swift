import Testing
import TKCalibration
import TKMetrics

struct GroupedAUROCTests {
    @Test func areaIsTheRowAUROCAndTheIntervalResamplesGroups() throws {
        // Rows (score, label): (0.9 ✓) (0.4 ✗) | (0.8 ✓) (0.7 ✗) | (0.3 ✓) (0.6 ✗), groups 0,0,1,1,2,2.
        // Pairs (true, false) with the true one higher: of 9 pairs, 0.9 beats all 3, 0.8 beats 0.7,
        // 0.4 and 0.6 (3), 0.3 beats none → 6/9.
        let estimate = try GroupedAUROC.estimate(scores: [0.9, 0.4, 0.8, 0.7, 0.3, 0.6], labels: [true, false, true, false, true, false],
                                                 groups: [0, 0, 1, 1, 2, 2], bootstrap: Bootstrap(resamples: 500, seed: 3))
        #expect(abs(estimate.auroc! - 6.0 / 9) < 1e-12)
        // Any resample of whole groups draws only groups 0, 1, 2 in some multiplicity; the AUROC of
        // group 2 alone is 0 and of group 0 alone is 1, so the interval lies within [0, 1] and
        // spans the estimate.
        #expect(estimate.lower! <= estimate.auroc! && estimate.auroc! <= estimate.upper!)
        #expect(estimate.lower! >= 0 && estimate.upper! <= 1)
        #expect(throws: MetricsError.self) { try GroupedAUROC.estimate(scores: [1], labels: [true, false], groups: [0]) }
        #expect(try GroupedAUROC.estimate(scores: [1, 2], labels: [true, true], groups: [0, 1]).auroc == nil)
    }
}
