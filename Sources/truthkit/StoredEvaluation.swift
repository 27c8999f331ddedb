import Foundation
import TKBenchmarks
import TKConsole
import TKEvalCore
import TKMetrics
import TKStore

/// The loop every evaluation task shares: open (or resume) the run in the store before anything is
/// scored, evaluate the items not yet stored — each stored the moment it completes — then summarise.
///
/// A run is keyed by model fingerprint, task, data checksum and settings; `--limit N` evaluates the
/// first N items of that same run, so a later full run reuses them.
struct StoredEvaluation<Result: Codable & Sendable> {
    var task: String
    var taskVersion: String
    var model: ModelIdentity
    var dataset: TruthfulQADataset
    var items: [TruthfulQAItem]
    var settings: [String: String]
    var storePath: String?
    var progressLabel: String

    struct Outcome {
        var results: [Result]
        var runID: Int64
        var resumed: Int
        var seconds: Double
        /// Every item of the data set is stored (the run is finished).
        var complete: Bool
    }

    /// Runs `evaluate(completed, onItem)` with the stored results, storing each new one.
    func run(
        evaluate: ([Int: Result], @escaping (Result) async throws -> Void) async throws -> [Result],
        index: @escaping (Result) -> Int
    ) async throws -> (Outcome, ResultStore) {
        // Open the store and the run first: a store that cannot be written stops us before any scoring.
        let runStore = try ResultStore(path: storePath)
        let key = RunKey(modelName: model.name, modelFingerprint: model.fingerprint, task: task,
                         taskVersion: taskVersion, dataChecksum: dataset.checksum, settings: settings)
        let stored = try await runStore.openRun(key, itemCount: dataset.items.count)
        let decoder = JSONDecoder(), encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var completed: [Int: Result] = [:]
        for (i, payload) in try await runStore.completedItems(run: stored.id) {
            do {
                completed[i] = try decoder.decode(Result.self, from: payload)
            } catch {
                throw ValidationErrorMessage("run \(stored.id) holds item \(i) in a format this version cannot read (\(error)); delete it with `truthkit runs delete \(stored.id)` and run again")
            }
        }
        let wanted = Set(items.map(\.index))
        let resumed = completed.keys.filter { wanted.contains($0) }.count
        if resumed > 0 { printError("resuming run \(stored.id): \(resumed) of \(items.count) items already stored") }

        let bar = ProgressBar(label: progressLabel, total: Int64(items.count), completed: Int64(resumed),
                              unit: .items(named: "item"))
        let start = Date()
        let results: [Result]
        do {
            results = try await evaluate(completed) { result in
                _ = try await runStore.record(run: stored.id, item: index(result), payload: try encoder.encode(result))
                bar.advance()
            }
        } catch {
            bar.finish()
            throw error
        }
        bar.finish()
        let allStored = try await runStore.completedItems(run: stored.id).count
        return (Outcome(results: results, runID: stored.id, resumed: resumed, seconds: Date().timeIntervalSince(start),
                        complete: allStored == dataset.items.count), runStore)
    }
}

extension StoredEvaluation.Outcome {
    /// Marks the run finished when every item of the data set is stored, with `summary` as its
    /// stored summary; a partial (`--limit`) run stays open for a later run to complete it.
    func finishIfComplete<Summary: Encodable>(in store: ResultStore, summary: ([Result]) throws -> Summary) async throws {
        guard complete else { return }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        _ = try await store.finish(run: runID, summary: try encoder.encode(summary(results)))
    }
}

/// An error whose whole text is meant for the user.
struct ValidationErrorMessage: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
