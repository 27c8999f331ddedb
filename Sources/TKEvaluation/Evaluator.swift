import Foundation
import TKEvalCore
import TKMetrics
import TKStore

/// Runs a task over items with a model: opens (or resumes) the stored run, evaluates the items not
/// yet stored — up to `concurrency` at once, each stored the moment it completes — and returns
/// every result in item order.
///
/// Concurrency is across items. A native engine serialises requests on its own engine thread, so
/// it gains nothing from more than one; an OpenAI-compatible fleet keeps `--concurrency`
/// requests in flight (the model's `preferredConcurrency` is the default). Results never depend
/// on order or concurrency, which is what lets a resumed or parallel run give identical numbers.
public struct Evaluator: Sendable {
    public var store: ResultStore
    /// Items in flight at once; nil takes the model's `preferredConcurrency`.
    public var concurrency: Int?
    public var progress: ProgressHandler?
    /// Decides which item errors skip the item instead of stopping the run (`--skip-invalid`: an
    /// item too long for the model's context). A skipped item is named and counted in the outcome,
    /// never stored, so the run stays open until it can be scored.
    public var skipItem: (@Sendable (any Error) -> Bool)?

    public init(store: ResultStore, concurrency: Int? = nil, progress: ProgressHandler? = nil,
                skipItem: (@Sendable (any Error) -> Bool)? = nil) {
        self.store = store
        self.concurrency = concurrency
        self.progress = progress
        self.skipItem = skipItem
    }

    /// The run key of `task` over `data` with `model` (and `settings`, merged over the task's).
    public static func key<T: EvaluationTask>(_ task: T, model: ModelIdentity, data: DatasetIdentity,
                                              settings: [String: String] = [:]) -> RunKey {
        RunKey(model: model, task: task.name, taskVersion: task.version, dataChecksum: data.checksum,
               settings: task.settings.merging(settings) { a, _ in a })
    }

    /// Evaluates `items` (or resumes them).
    ///
    /// - Parameters:
    ///   - settings: what the caller adds to the run key beside the task's own settings (backend
    ///     options, language, data release); the task's win on a clash.
    ///   - label: shown in progress reports.
    public func run<T: EvaluationTask>(
        _ task: T, items: [T.Item], model: any LanguageModel, data: DatasetIdentity,
        settings: [String: String] = [:], label: String? = nil
    ) async throws -> EvaluationOutcome<T.Result> {
        let key = Self.key(task, model: model.identity, data: data, settings: settings)
        let session = try await StoredRunSession<T.Result>(store: store, key: key, dataItemCount: data.itemCount)
        let label = label ?? task.name
        let start = Date()
        var results: [Int: T.Result] = [:]
        var pending: [T.Item] = []
        for item in items {
            let i = task.index(of: item)
            if let done = session.stored[i] { results[i] = done } else { pending.append(item) }
        }
        let resumed = results.count
        var progress = EvaluationProgress(label: label, runID: session.runID, completed: resumed, total: items.count, resumed: resumed)
        self.progress?(progress)
        let width = max(1, concurrency ?? model.preferredConcurrency)
        let skipItem = self.skipItem
        var skipped: [SkippedItem] = []
        do {
            try await withThrowingTaskGroup(of: ItemOutcome<T.Result>.self) { group in
                var next = 0
                func addNext() {
                    guard next < pending.count else { return }
                    let item = pending[next]
                    next += 1
                    group.addTask {
                        do {
                            return .done(try await task.evaluate(item, model: model))
                        } catch let error where !(error is CancellationError) {
                            let failure = ItemFailure(index: task.index(of: item), underlying: error)
                            if skipItem?(error) == true { return .skipped(SkippedItem(index: failure.index, reason: "\(error)")) }
                            throw failure
                        }
                    }
                }
                for _ in 0..<min(width, pending.count) { addNext() }
                // Stored from this one task as results arrive, so the store sees one writer.
                while let outcome = try await group.next() {
                    switch outcome {
                    case .done(let result):
                        let i = task.index(of: result)
                        try await session.record(result, index: i)
                        results[i] = result
                    case .skipped(let item):
                        skipped.append(item)
                    }
                    progress.completed += 1
                    self.progress?(progress)
                    try Task.checkCancellation()
                    addNext()
                }
            }
        } catch {
            progress.finished = true
            self.progress?(progress)
            // A run that stopped on an error says so in the store (`runs list` shows the reason);
            // opening it again resumes it. An interrupted run (cancellation) stays `running`.
            if !(error is CancellationError) {
                try? await store.fail(run: session.runID, reason: String(describing: error).prefix(2000).description)
            }
            throw error
        }
        progress.finished = true
        self.progress?(progress)
        let ordered = items.compactMap { results[task.index(of: $0)] }
        return EvaluationOutcome(results: ordered, runID: session.runID, key: key, resumed: resumed,
                                 seconds: Date().timeIntervalSince(start), complete: try await session.isComplete(),
                                 skipped: skipped.sorted { $0.index < $1.index }, session: session)
    }
}

/// What an evaluation produced: every result in item order and where it is stored.
public struct EvaluationOutcome<Result: Codable & Sendable>: Sendable {
    public var results: [Result]
    public var runID: Int64
    public var key: RunKey
    /// Items that were already stored.
    public var resumed: Int
    public var seconds: Double
    /// Every item of the data file is stored (the run is finished).
    public var complete: Bool
    /// Items left out under `Evaluator.skipItem`, with why.
    public var skipped: [SkippedItem] = []
    let session: StoredRunSession<Result>

    /// This call's results are the whole run: every item of the data is stored and every one of
    /// them is in `results` (not a `--limit` subset of a run that other calls completed).
    public var coversRun: Bool { complete && results.count == session.dataItemCount }

    /// Marks the run finished with `summary` when `results` are the whole run (`coversRun`).
    ///
    /// A summary made from a subset is never written over the run's: re-running `--limit 100` on a
    /// finished 817-item run, or comparing on held-out items, leaves the full run's summary as it
    /// was; a run completed piecewise stays open until one call covers it.
    public func finishIfComplete(summary: some Encodable) async throws {
        // `complete` was read from the store when the run ended; no need to count the items again.
        if coversRun { try await session.finish(summary: summary) }
    }
}

/// An item that was left out of a run, and why (it is named in the report, never scored as wrong).
public struct SkippedItem: Sendable, Equatable, Codable {
    public var index: Int
    public var reason: String
}

/// One item's error, naming the item: the run stops on it (what was stored stays stored).
public struct ItemFailure: Error, CustomStringConvertible {
    public var index: Int
    public var underlying: any Error
    public var description: String { "item \(index): \(underlying)" }
}

enum ItemOutcome<Result: Sendable>: Sendable {
    case done(Result)
    case skipped(SkippedItem)
}
