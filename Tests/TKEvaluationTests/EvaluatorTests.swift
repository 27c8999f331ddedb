import Foundation
import Testing
import TKBenchmarks
import TKEvalCore
import TKEvaluation
import TKMetrics
import TKStore
import TKBackends
import TKTesting

@Suite struct EvaluatorTests {
    @Test func storesEveryItemAndSummarisesByCategory() async throws {
        let folder = try TemporaryFolder()
        let model = Fixture.model { [0.9, 0.2, 0.8, 0.4, 0.6][$0] }
        let outcome = try await Evaluator(store: try folder.store())
            .run(Fixture.task, items: Fixture.items, model: model, data: Fixture.data)
        #expect(outcome.results.map(\.index) == [0, 1, 2, 3, 4])
        #expect(outcome.results.map { $0.metrics["mc1"] } == [1, 0, 1, 0, 1])
        #expect(outcome.complete && outcome.resumed == 0)
        let summary = try Fixture.task.summarize(outcome.results)
        #expect(summary.metrics["mc1"]?.mean == 0.6)
        #expect(summary.byCategory["A"]?["mc1"]?.mean == 1 && summary.byCategory["B"]?["mc1"]?.mean == 0)
        #expect(try await folder.store().completedItems(run: outcome.runID).count == 5)
        try await outcome.finishIfComplete(summary: summary.metrics.mapValues(\.mean))
        #expect(try folder.store().run(id: outcome.runID)?.status == .finished)
    }

    @Test func aSubsetOfAFinishedRunLeavesItsSummaryAlone() async throws {
        let folder = try TemporaryFolder()
        let store = try folder.store()
        let model = Fixture.model { [0.9, 0.2, 0.8, 0.4, 0.6][$0] }
        let full = try await Evaluator(store: store).run(Fixture.task, items: Fixture.items, model: model, data: Fixture.data)
        try await full.finishIfComplete(summary: ["mc1": 0.6])
        let written = try #require(try store.run(id: full.runID)?.summary)
        // The same run again on two items: complete in the store, but the results are a subset.
        let subset = try await Evaluator(store: store)
            .run(Fixture.task, items: Array(Fixture.items.prefix(2)), model: model, data: Fixture.data)
        #expect(subset.runID == full.runID && subset.complete && !subset.coversRun)
        try await subset.finishIfComplete(summary: ["mc1": 0.5])
        #expect(try store.run(id: full.runID)?.summary == written)
        #expect(try store.run(id: full.runID)?.status == .finished)
    }

    @Test func resumesFromTheStoreWithoutAskingTheModelAgain() async throws {
        let folder = try TemporaryFolder()
        let store = try folder.store()
        let first = try await Evaluator(store: store)
            .run(Fixture.task, items: Array(Fixture.items.prefix(3)), model: Fixture.model { _ in 0.7 }, data: Fixture.data)
        #expect(!first.complete)
        // The same model identity, but it can only answer items 3 and 4: items 0–2 must come from the store.
        let partial = ProbeModel(Fixture.model { $0 >= 3 ? 0.7 : .nan })
        let progress = ProgressLog()
        let second = try await Evaluator(store: store, progress: progress.handler)
            .run(Fixture.task, items: Fixture.items, model: partial, data: Fixture.data)
        #expect(second.runID == first.runID && second.resumed == 3 && second.complete)
        #expect(await partial.requests == 2)
        #expect(Array(second.results.prefix(3)).map(\.metrics) == first.results.map(\.metrics))
        let events = progress.events
        #expect(events.first == EvaluationProgress(label: "truthfulqa-mc", runID: first.runID, completed: 3, total: 5, resumed: 3))
        #expect(events.last?.finished == true && events.last?.completed == 5)
    }

    @Test func itemsRunConcurrentlyUpToTheLimitWithIdenticalResults() async throws {
        let folder = try TemporaryFolder()
        let model = Fixture.model { 0.3 + 0.1 * Double($0) }
        // Holds the first 4 requests until 4 are in flight: a serial evaluator would never get there.
        let gated = ProbeModel(model, gate: 4)
        let parallel = try await Evaluator(store: try folder.store(), concurrency: 4)
            .run(Fixture.task, items: Fixture.items, model: gated, data: Fixture.data)
        #expect(await gated.maxInFlight == 4)
        let other = try TemporaryFolder()
        let serial = ProbeModel(model)
        let one = try await Evaluator(store: try other.store(), concurrency: 1)
            .run(Fixture.task, items: Fixture.items, model: serial, data: Fixture.data)
        #expect(await serial.maxInFlight == 1)
        #expect(parallel.results.map(\.metrics) == one.results.map(\.metrics))
        #expect(parallel.results.map(\.index) == one.results.map(\.index))
    }

    @Test func theModelsPreferredConcurrencyIsTheDefault() async throws {
        let folder = try TemporaryFolder()
        let gated = ProbeModel(Fixture.model { _ in 0.6 }, gate: 3, preferredConcurrency: 3)
        _ = try await Evaluator(store: try folder.store()).run(Fixture.task, items: Fixture.items, model: gated, data: Fixture.data)
        #expect(await gated.maxInFlight == 3)
    }

    @Test func aFailureKeepsWhatWasStoredAndTheRunResumes() async throws {
        let folder = try TemporaryFolder()
        let store = try folder.store()
        let failing = ProbeModel(Fixture.model { _ in 0.6 }, failOn: ["Q3?"])
        await #expect {
            _ = try await Evaluator(store: store, concurrency: 1).run(Fixture.task, items: Fixture.items, model: failing, data: Fixture.data)
        } throws: { error in
            // The error names the item it happened on.
            guard let failure = error as? ItemFailure else { return false }
            return failure.index == 3 && failure.underlying is ProbeModel.Planned && "\(failure)".hasPrefix("item 3:")
        }
        let run = try #require(try store.listRuns().first)
        #expect(try await store.completedItems(run: run.id).keys.sorted() == [0, 1, 2])
        #expect(run.status == .failed && run.failure?.contains("Planned") == true)
        let healthy = ProbeModel(Fixture.model { _ in 0.6 })
        let resumed = try await Evaluator(store: store).run(Fixture.task, items: Fixture.items, model: healthy, data: Fixture.data)
        #expect(resumed.resumed == 3 && resumed.complete && resumed.runID == run.id)
        #expect(await healthy.requests == 2)
    }

    @Test func itemsTheCallerChoosesToSkipAreNamedAndNeverStored() async throws {
        let folder = try TemporaryFolder()
        let store = try folder.store()
        let failing = ProbeModel(Fixture.model { _ in 0.6 }, failOn: ["Q1?", "Q3?"])
        let outcome = try await Evaluator(store: store, concurrency: 2, skipItem: { $0 is ProbeModel.Planned })
            .run(Fixture.task, items: Fixture.items, model: failing, data: Fixture.data)
        #expect(outcome.skipped.map(\.index) == [1, 3])
        #expect(outcome.results.map(\.index) == [0, 2, 4] && !outcome.complete)
        #expect(try await store.completedItems(run: outcome.runID).keys.sorted() == [0, 2, 4])
        // Other errors still stop the run.
        await #expect(throws: ItemFailure.self) {
            _ = try await Evaluator(store: try TemporaryFolder().store(), skipItem: { _ in false })
                .run(Fixture.task, items: Fixture.items, model: failing, data: Fixture.data)
        }
    }

    @Test func settingsAndTaskVersionKeyTheRun() async throws {
        let folder = try TemporaryFolder()
        let store = try folder.store()
        let model = Fixture.model { _ in 0.6 }
        let a = try await Evaluator(store: store).run(Fixture.task, items: Fixture.items, model: model, data: Fixture.data,
                                                       settings: ["language": "en"])
        let b = try await Evaluator(store: store).run(Fixture.task, items: Fixture.items, model: model, data: Fixture.data,
                                                       settings: ["language": "es"])
        let pmi = TruthfulQAMultipleChoiceTask(format: PromptFormat(preset: .null), scoring: .pmi)
        #expect(a.runID != b.runID)
        #expect(a.key.settings == ["language": "en", "preset": "null", "scoring": "sum-logprob"])
        #expect(Evaluator.key(pmi, model: model.identity, data: Fixture.data).digest != a.key.digest)
    }
}

/// Collects progress events (the evaluator calls the handler from one task at a time).
final class ProgressLog: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [EvaluationProgress] = []
    var events: [EvaluationProgress] { lock.withLock { stored } }
    var handler: ProgressHandler { { [self] p in lock.withLock { stored.append(p) } } }
}

@Suite struct EngineOwnershipTests {
    /// The native engine's forward passes run on its own thread, never on Swift's cooperative pool.
    @Test func nativeModelWorkRunsOnItsEngineThread() async throws {
        let path = try TinyModel(config: TinyModel.Config(), seed: 3).writeToTemporaryFile()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let native = try NativeModel.load(path: path)
        let name = await native.currentThreadName()
        #expect(name == NativeModel.engineThreadName, "ran on \(name ?? "an unnamed thread")")
        let scores = try await native.score([ScoringRequest(context: "ab", continuations: [" cd"])])
        #expect(scores.count == 1 && scores[0][0].logprob < 0)
    }
}
