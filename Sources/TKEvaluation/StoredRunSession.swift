import Foundation
import TKEvalCore
import TKStore

/// One open run in the store, typed by what it keeps per item: opened (or found again) before
/// anything is computed, so a store that cannot be written stops the run before any work; results
/// already stored come back decoded; each new one is written the moment it exists.
///
/// The evaluator and the judging pass both go through this, so resume works the same everywhere.
public struct StoredRunSession<Result: Codable & Sendable>: Sendable {
    public let store: ResultStore
    public let key: RunKey
    public let runID: Int64
    /// Results already stored when the run was opened, by item index.
    public let stored: [Int: Result]
    let dataItemCount: Int

    public init(store: ResultStore, key: RunKey, dataItemCount: Int) async throws {
        self.store = store
        self.key = key
        self.dataItemCount = dataItemCount
        let run = try await store.openRun(key, itemCount: dataItemCount)
        runID = run.id
        let decoder = JSONDecoder()
        var stored: [Int: Result] = [:]
        for (i, payload) in try await store.completedItems(run: run.id) {
            do {
                stored[i] = try decoder.decode(Result.self, from: payload)
            } catch {
                throw EvaluationError("run \(run.id) holds item \(i) in a format this version cannot read (\(error)); delete it with `truthkit runs delete \(run.id)` and run again")
            }
        }
        self.stored = stored
    }

    /// Stores one item's result (sorted keys, so equal results are equal bytes).
    public func record(_ result: Result, index: Int) async throws {
        _ = try await store.record(run: runID, item: index, payload: try StoredRunSession.encoder.encode(result))
    }

    /// Every item of the data file is stored.
    public func isComplete() async throws -> Bool {
        try await store.completedItems(run: runID).count == dataItemCount
    }

    /// Marks the run finished with `summary` when every item of the data is stored; a partial
    /// (`--limit`) run stays open for a later run to complete. Returns whether it finished.
    @discardableResult
    public func finishIfComplete(summary: some Encodable) async throws -> Bool {
        guard try await isComplete() else { return false }
        try await finish(summary: summary)
        return true
    }

    /// Marks the run finished with `summary` (the store refuses it unless every item is stored).
    func finish(summary: some Encodable) async throws {
        _ = try await store.finish(run: runID, summary: try OutputJSON.encoder().encode(summary))
    }

    static var encoder: JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        return e
    }
}

/// An error whose whole text is meant for the user.
public struct EvaluationError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}
