import Foundation
import Testing
import TKBenchmarks
import TKMetrics
@testable import TKReports

@Suite struct RunComparisonTests {
    @Test func pairsItemsByIndexAndLeavesUnpairedItemsOut() throws {
        let fixture = try FixtureStore()
        let a = try fixture.run(task: "truthfulqa-mc", itemCount: 3, results: FixtureStore.mcResults)
        // Second run: item 1 now right, item 2 wrong, and no item 0 (in progress).
        let b = try fixture.run(task: "truthfulqa-mc", fingerprint: "sha256:abc+dola(layers=high)", itemCount: 3, results: [
            (1, FixtureStore.mcItem(1, category: "Health", pick: 0, mc2: 0.45)),
            (2, FixtureStore.mcItem(2, category: "Law", pick: 1, mc2: 0.5)),
        ])
        let comparison = try RunComparison(try RunSnapshot.load(id: a.id, from: fixture.store), try RunSnapshot.load(id: b.id, from: fixture.store))
        #expect(comparison.sharedItems == 2 && comparison.unpairedItems == 1)
        let mc1 = try #require(comparison.metrics.first { $0.metric == "mc1" })
        // Shared items 1 and 2: first run MC1 (0, 1), second (1, 0) → means 0.5 and 0.5, difference 0.
        #expect(mc1.first == 0.5 && mc1.second == 0.5 && mc1.difference.meanDifference == 0 && mc1.difference.count == 2)
        let mc2 = try #require(comparison.metrics.first { $0.metric == "mc2" })
        // MC2 (0.25, 0.5) → (0.45, 0.5): difference (0.2 + 0) / 2 = 0.1.
        #expect(abs(mc2.difference.meanDifference - 0.1) < 1e-12)
        // The interval is the paired bootstrap of the per-item differences in index order.
        let direct = try Bootstrap().pairedDifference([0.45, 0.5], [0.25, 0.5])
        #expect(mc2.difference == direct)
        #expect(comparison.byCategory.map(\.category) == ["Health", "Law"])
        #expect(comparison.byCategory[0].rows.first { $0.metric == "mc1" }?.difference.meanDifference == 1)
    }

    @Test func runsOnDifferentDataOrWithNoSharedItemsAreRefused() throws {
        let fixture = try FixtureStore()
        let a = try fixture.run(task: "truthfulqa-mc", itemCount: 3, results: Array(FixtureStore.mcResults.prefix(1)))
        let b = try fixture.run(task: "truthfulqa-mc", settings: ["preset": "null"], itemCount: 3, results: Array(FixtureStore.mcResults.suffix(1)))
        let error = #expect(throws: ReportError.self) {
            try RunComparison(try RunSnapshot.load(id: a.id, from: fixture.store), try RunSnapshot.load(id: b.id, from: fixture.store))
        }
        #expect(error?.description.contains("share no item") == true)
    }
}
