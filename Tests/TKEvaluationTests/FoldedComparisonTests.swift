import Foundation
import Testing
import TKBenchmarks
import TKEvalCore
import TKEvaluation
import TKMetrics

@Suite struct FoldedComparisonTests {
    @Test func foldsScoreOnlyTheirHeldOutItemsAndDifferencesArePaired() async throws {
        let folder = try TemporaryFolder()
        let store = try folder.store()
        let baseline = Fixture.model(name: "base") { [0.4, 0.6, 0.4, 0.6, 0.4][$0] }
        // Two "fits": fold 0 holds out items 0 and 2 and makes them right; fold 1 holds out 1 and 3
        // and leaves them as the baseline has them. Item 4 is in no fold and is left out of both sides.
        let fold0 = ProbeModel(Fixture.model(name: "fold0") { $0 == 0 || $0 == 2 ? 0.9 : .nan })
        let fold1 = ProbeModel(Fixture.model(name: "fold1") { [0.4, 0.6, 0.4, 0.6, 0.4][$0] })
        var comparison = FoldedComparison(task: Fixture.task, evaluator: Evaluator(store: store), data: Fixture.data)
        comparison.bootstrap = Bootstrap(resamples: 200)
        comparison.finishRuns = true
        let outcome = try await comparison.run(items: Fixture.items, baseline: baseline, groups: [
            ComparisonGroup(label: "f0", items: [0, 2]) { fold0 },
            ComparisonGroup(label: "f1", items: [1, 3]) { fold1 },
        ])
        #expect(outcome.items == 4 && outcome.folds == 2)
        #expect(outcome.baseline.results.map(\.index) == [0, 1, 2, 3])
        #expect(outcome.intervened.results.map(\.index) == [0, 1, 2, 3])
        #expect(await fold0.requests == 2)
        #expect(await fold1.requests == 2)
        #expect(outcome.intervened.runIDs.count == 2)
        // MC1: baseline 0,1,0,1 → intervened 1,1,1,1; the paired mean difference is 0.5.
        let d = try #require(outcome.difference["mc1"])
        #expect(d.meanDifference == 0.5 && d.count == 4)
        #expect(outcome.baseline.summary.metrics["mc1"]?.mean == 0.5 && outcome.intervened.summary.metrics["mc1"]?.mean == 1)
        #expect(outcome.compared == ["mc1", "mc2", "mc3"])
        // Every side is a stored run of its own: a second comparison recomputes nothing.
        let again = try await comparison.run(items: Fixture.items, baseline: ProbeModel(baseline), groups: [
            ComparisonGroup(label: "f0", items: [0, 2]) { fold0 },
            ComparisonGroup(label: "f1", items: [1, 3]) { fold1 },
        ])
        #expect(await fold0.requests == 2)
        #expect(await fold1.requests == 2)
        #expect(again.difference["mc1"] == d)
    }

    @Test func noOverlapIsAnError() async throws {
        let folder = try TemporaryFolder()
        let comparison = FoldedComparison(task: Fixture.task, evaluator: Evaluator(store: try folder.store()), data: Fixture.data)
        await #expect(throws: EvaluationError.self) {
            _ = try await comparison.run(items: Fixture.items, baseline: Fixture.model { _ in 0.5 },
                                         groups: [ComparisonGroup(label: "x", items: [99]) { Fixture.model { _ in 0.5 } }])
        }
    }

    @Test func afterHookSeesEachSideWithItsRunKey() async throws {
        let folder = try TemporaryFolder()
        var comparison = FoldedComparison(task: Fixture.task, evaluator: Evaluator(store: try folder.store()), data: Fixture.data)
        let seen = ProgressLabels()
        comparison.after = { results, key, label in
            seen.add("\(label):\(results.count):\(key.modelFingerprint)")
            return results
        }
        _ = try await comparison.run(items: Fixture.items, baseline: Fixture.model(name: "b") { _ in 0.5 },
                                     groups: [ComparisonGroup(label: "all", items: Set(0..<5)) { Fixture.model(name: "i") { _ in 0.7 } }])
        #expect(seen.values == ["baseline:5:scripted:b", "all:5:scripted:i"])
    }
}

final class ProgressLabels: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [String] = []
    var values: [String] { lock.withLock { stored } }
    func add(_ s: String) { lock.withLock { stored.append(s) } }
}
