import TKAudit
import TKMetrics
import Testing

@Suite struct MultilingualComparisonTests {
    private func run(_ language: String, mc1: [Int: Double], category: String = "Health", dropped: Int = 0) -> MultilingualComparison.LanguageRun {
        .init(language: language, items: mc1.mapValues { ItemScore(category: category, values: [MetricName.mc1: $0, MetricName.mc2: $0]) },
              droppedChoices: dropped)
    }

    @Test func pairsEachLanguageWithEnglishOnTheSharedQuestionsOnly() throws {
        // en right on items 0, 1, 2; es right on 0 only and lacks item 3 (which English also has).
        // Shared items 0, 1, 2: es − en differences (0, −1, −1), mean −2/3 by hand.
        let en = run("en", mc1: [0: 1, 1: 1, 2: 1, 3: 0])
        let es = run("es", mc1: [0: 1, 1: 0, 2: 0], dropped: 4)
        let comparison = try MultilingualComparison(runs: [en, es], bootstrap: Bootstrap(resamples: 200, seed: 1))
        let paired = try #require(comparison.pairedDifferences["es"])
        #expect(paired.shared == 3)
        let mc1 = try #require(paired.differences[MetricName.mc1])
        #expect(abs(mc1.meanDifference - (-2.0 / 3.0)) < 1e-12)
        #expect(mc1.count == 3)
        #expect(mc1.upper <= 0)
        #expect(comparison.pairedDifferences["en"] == nil)
        // English alone: 3 of 4 right, over all four of its items.
        #expect(comparison.languages["en"]?.n == 4)
        #expect(comparison.languages["en"]?.mc1?.mean == 0.75)
        #expect(comparison.languages["es"]?.dropped == 4)
        #expect(comparison.languages["es"]?.byCategory["Health"]?[MetricName.mc1]?.mean == 1.0 / 3.0)
        #expect(comparison.order == ["en", "es"])
    }

    @Test func withoutEnglishThereAreNoPairedDifferences() throws {
        let comparison = try MultilingualComparison(runs: [run("eu", mc1: [0: 1])])
        #expect(comparison.pairedDifferences.isEmpty)
        #expect(comparison.table().contains("eu"))
    }

    @Test func aLanguageWithNoScoredItemsIsAnError() {
        #expect(throws: MetricsError.self) { try MultilingualComparison(runs: [run("gl", mc1: [:])]) }
    }
}
