import Foundation
import GRDB

/// Async versions of the calls an evaluator makes per item, so a task group scoring many items
/// waits for the database without blocking a thread of Swift's cooperative pool.
extension ResultStore {
    /// The run with this key, or a new one; see the synchronous `openRun(_:itemCount:)`.
    public func openRun(_ key: RunKey, itemCount: Int) async throws -> StoredRun {
        try await mapErrorsAsync { try await self.writeImmediatelyAsync { db in try self.openRun(key, itemCount: itemCount, in: db) } }
    }

    /// Stores one item's result; see the synchronous `record(run:item:payload:)`.
    @discardableResult
    public func record(run: Int64, item: Int, payload: Data) async throws -> Bool {
        let text = try Self.jsonText(payload, what: "The result of item \(item)")
        return try await mapErrorsAsync {
            try await self.writeImmediatelyAsync { db in try self.record(run: run, item: item, text: text, in: db) }
        }
    }

    /// Marks a run finished; see the synchronous `finish(run:summary:)`.
    @discardableResult
    public func finish(run: Int64, summary: Data) async throws -> StoredRun {
        let text = try Self.jsonText(summary, what: "The summary of run \(run)")
        return try await mapErrorsAsync { try await self.writeImmediatelyAsync { db in try self.finish(run: run, summary: text, in: db) } }
    }

    /// Marks a running run failed; see the synchronous `fail(run:reason:)`.
    public func fail(run: Int64, reason: String) async throws {
        try await mapErrorsAsync { try await self.writeImmediatelyAsync { db in try self.fail(run: run, reason: reason, in: db) } }
    }

    /// The stored results of a run's items; see the synchronous `completedItems(run:)`.
    public func completedItems(run: Int64) async throws -> [Int: Data] {
        try await mapErrorsAsync { try await self.queue.read { db in try self.completedItems(run: run, in: db) } }
    }

    private func writeImmediatelyAsync<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await queue.writeWithoutTransaction { db in
            var result: T?
            try db.inTransaction(.immediate) {
                result = try body(db)
                return .commit
            }
            return result!
        }
    }

    private func mapErrorsAsync<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as StoreError {
            throw error
        } catch {
            throw Self.translate(error, path: path)
        }
    }
}
