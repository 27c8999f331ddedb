import Foundation
import GRDB
import TKEvalCore

/// The SQLite database of runs and their item results, so an interrupted evaluation resumes where
/// it stopped and a repeated one costs nothing.
///
/// One file (`$TRUTHKIT_HOME/runs.sqlite` by default) holds every run. An evaluator calls
/// `openRun` with the run's key, skips the items `completedItems` returns, calls `record` as each
/// remaining item completes, and `finish` with the summary at the end.
///
/// Durability: every `record` is its own transaction in WAL mode with SQLite's default
/// `synchronous=FULL`, so a `kill -9` (or a power cut) loses at most the item being scored, and
/// never half an item. Writes take the lock up front (`BEGIN IMMEDIATE`) and wait up to ten
/// seconds for another process, so two `truthkit` processes may share the file; `runs list` can
/// read while an evaluation writes.
///
/// All methods are synchronous and safe to call from any thread; the async overloads in
/// `ResultStore+Async.swift` do the same work without blocking a Swift concurrency thread.
public final class ResultStore: Sendable {
    /// The database file.
    public let path: String
    let queue: DatabaseQueue

    /// Opens (creating if needed) the store at `path`, or at `$TRUTHKIT_HOME/runs.sqlite`
    /// (default `~/.cache/truthkit/runs.sqlite`) when `path` is nil, and brings its schema up to
    /// date.
    ///
    /// - Throws: `StoreError` with code `.corruptDatabase` if the file is not a SQLite database,
    ///   `.newerDatabase` if a newer TruthKit wrote it, `.cannotOpen` if the file or its folder
    ///   cannot be created or written.
    public init(path: String? = nil, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        let path = path ?? Self.defaultPath(environment: environment)
        self.path = path
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw StoreError(
                .cannotOpen,
                "Cannot create the folder \(folder.path) for the run store: \(error.localizedDescription). Set TRUTHKIT_HOME to a writable folder or pass --store PATH.",
                path: path, cause: error
            )
        }
        var configuration = Configuration()
        configuration.journalMode = .wal
        configuration.busyMode = .timeout(10)
        configuration.label = "TruthKit.ResultStore"
        let queue: DatabaseQueue
        do {
            queue = try DatabaseQueue(path: path, configuration: configuration)
        } catch {
            throw Self.translate(error, path: path)
        }
        self.queue = queue
        try mapErrors {
            let migrator = StoreSchema.migrator
            if try queue.read({ db in try migrator.hasBeenSuperseded(db) }) {
                throw StoreError(
                    .newerDatabase,
                    "\(path) was written by a newer TruthKit (its schema has migrations this version does not know). Upgrade TruthKit, or point this one at another file with --store PATH or TRUTHKIT_HOME.",
                    path: path
                )
            }
            do {
                try migrator.migrate(queue)
            } catch {
                // Two processes opening a new file at once can both try to create the tables; the
                // loser fails with "table already exists" after the winner committed. Migrations
                // are complete then, and that is all that matters.
                guard try queue.read({ db in try migrator.hasCompletedMigrations(db) }) else { throw error }
            }
        }
    }

    /// `$TRUTHKIT_HOME/runs.sqlite` (a leading `~` expanded), else `$HOME/.cache/truthkit/runs.sqlite`
    /// (see `TruthKitPaths`).
    public static func defaultPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        TruthKitPaths.root(environment: environment).appendingPathComponent("runs.sqlite").path
    }

    // MARK: - Writing

    /// The run with this key, or a new one.
    ///
    /// An existing run is returned whatever its status: a finished run's results can be read
    /// back instead of recomputed, a running one (interrupted, or in progress in another
    /// process) resumes. A failed run is set back to running.
    ///
    /// - Throws: `StoreError.Code.keyConflict` if a run with this key has a different item
    ///   count, which means the key is missing a setting that changes the items.
    public func openRun(_ key: RunKey, itemCount: Int) throws -> StoredRun {
        try mapErrors { try writeImmediately { db in try self.openRun(key, itemCount: itemCount, in: db) } }
    }

    /// Stores one item's result, in its own transaction.
    ///
    /// Recording an item again with the same JSON (compared after parsing, so key order does not
    /// matter) changes nothing, so a resumed evaluator need not be careful about repeats.
    ///
    /// - Returns: Whether a new row was written (false for a repeat).
    /// - Throws: `StoreError` with code `.conflictingResult` if the item was recorded with
    ///   different JSON, `.itemOutOfRange`, `.runNotFound`, or `.invalidJSON`.
    @discardableResult
    public func record(run: Int64, item: Int, payload: Data) throws -> Bool {
        let text = try Self.jsonText(payload, what: "The result of item \(item)")
        return try mapErrors { try writeImmediately { db in try self.record(run: run, item: item, text: text, in: db) } }
    }

    /// Marks a run finished and stores its summary JSON.
    ///
    /// - Returns: The finished run.
    /// - Throws: `StoreError.Code.incompleteRun` unless every item is recorded.
    @discardableResult
    public func finish(run: Int64, summary: Data) throws -> StoredRun {
        let text = try Self.jsonText(summary, what: "The summary of run \(run)")
        return try mapErrors { try writeImmediately { db in try self.finish(run: run, summary: text, in: db) } }
    }

    /// Marks a running run failed, with the reason. A finished run stays finished.
    public func fail(run: Int64, reason: String) throws {
        try mapErrors { try writeImmediately { db in try self.fail(run: run, reason: reason, in: db) } }
    }

    /// Deletes a run and its item results.
    ///
    /// - Throws: `StoreError.Code.runNotFound` if there is no such run.
    public func deleteRun(id: Int64) throws {
        try mapErrors {
            try writeImmediately { db in
                guard try RunRecord.deleteOne(db, key: id) else { throw self.runNotFound(id) }
            }
        }
    }

    // MARK: - Reading

    /// The stored results of a run's items, by item index.
    public func completedItems(run: Int64) throws -> [Int: Data] {
        try mapErrors { try queue.read { db in try self.completedItems(run: run, in: db) } }
    }

    /// Every run, oldest first.
    public func listRuns() throws -> [StoredRun] {
        try mapErrors {
            try queue.read { db in
                try RunRecord.order(RunRecord.Columns.id).fetchAll(db).map { try $0.storedRun(path: self.path) }
            }
        }
    }

    /// The run with this id, or nil.
    public func run(id: Int64) throws -> StoredRun? {
        try mapErrors { try queue.read { db in try RunRecord.fetchOne(db, key: id)?.storedRun(path: self.path) } }
    }

    /// A run's stored items in index order.
    ///
    /// - Throws: `StoreError.Code.runNotFound` if there is no such run.
    public func items(run: Int64) throws -> [StoredItem] {
        try mapErrors {
            try queue.read { db in
                guard try RunRecord.exists(db, key: run) else { throw self.runNotFound(run) }
                return try ItemResultRecord
                    .filter(ItemResultRecord.Columns.runId == run)
                    .order(ItemResultRecord.Columns.itemIndex)
                    .fetchAll(db)
                    .map { StoredItem(index: $0.itemIndex, payload: Data($0.payload.utf8), createdAt: $0.createdAt) }
            }
        }
    }
}

// MARK: - Operations inside a transaction, shared by the sync and async entry points

extension ResultStore {
    /// Runs `body` in a transaction that takes the write lock at its start, so a read followed by
    /// a write cannot fail half-way with SQLITE_BUSY when another process writes too.
    func writeImmediately<T>(_ body: (Database) throws -> T) throws -> T {
        try queue.writeWithoutTransaction { db in
            var result: T?
            try db.inTransaction(.immediate) {
                result = try body(db)
                return .commit
            }
            return result!
        }
    }

    func openRun(_ key: RunKey, itemCount: Int, in db: Database) throws -> StoredRun {
        guard itemCount >= 0 else {
            throw StoreError(.itemOutOfRange, "A run needs a non-negative item count, got \(itemCount).", path: path)
        }
        let digest = key.digest
        let now = Date()
        if var existing = try RunRecord.filter(RunRecord.Columns.key == digest).fetchOne(db) {
            guard existing.itemCount == itemCount else {
                throw StoreError(
                    .keyConflict,
                    "Run \(existing.id ?? 0) in \(path) has the same key but \(existing.itemCount) items, not \(itemCount). Something that changes the items (a limit, a filter) is missing from the run's settings; until that is fixed, delete the old run with `truthkit runs delete \(existing.id ?? 0)`.",
                    path: path
                )
            }
            if existing.status == RunStatus.failed.rawValue {
                existing.status = RunStatus.running.rawValue
                existing.failure = nil
                existing.updatedAt = now
                try existing.update(db)
            }
            return try stored(existing.id, in: db)
        }
        var record = RunRecord(
            id: nil, key: digest, modelName: key.modelName, modelFingerprint: key.modelFingerprint, task: key.task,
            taskVersion: key.taskVersion, dataChecksum: key.dataChecksum,
            settings: String(decoding: CanonicalJSON.encode(key.settings), as: UTF8.self),
            createdAt: now, updatedAt: now, status: RunStatus.running.rawValue, itemCount: itemCount,
            completedCount: 0, summary: nil, failure: nil
        )
        try record.insert(db)
        return try stored(record.id, in: db)
    }

    func record(run: Int64, item: Int, text: String, in db: Database) throws -> Bool {
        guard let itemCount = try Int.fetchOne(db, sql: "SELECT itemCount FROM run WHERE id = ?", arguments: [run]) else {
            throw runNotFound(run)
        }
        guard item >= 0 && item < itemCount else {
            throw StoreError(
                .itemOutOfRange,
                "Item \(item) is outside run \(run), which has items 0..<\(itemCount); the evaluator and the run key disagree about the data.",
                path: path
            )
        }
        let now = Date()
        try db.execute(
            sql: """
                INSERT INTO item_result (runId, itemIndex, payload, createdAt) VALUES (?, ?, ?, ?)
                ON CONFLICT (runId, itemIndex) DO NOTHING
                """,
            arguments: [run, item, text, now]
        )
        if db.changesCount == 1 {
            try db.execute(
                sql: "UPDATE run SET completedCount = completedCount + 1, updatedAt = ? WHERE id = ?",
                arguments: [now, run]
            )
            return true
        }
        let existing = try String.fetchOne(
            db, sql: "SELECT payload FROM item_result WHERE runId = ? AND itemIndex = ?", arguments: [run, item]
        )
        if let existing, existing != text, Self.normalizedJSON(existing) != Self.normalizedJSON(text) {
            throw StoreError(
                .conflictingResult,
                "Item \(item) of run \(run) was already recorded with a different result. Either the model is not deterministic under these settings, or the run key misses a setting that changed; delete the run (`truthkit runs delete \(run)`) to redo it.",
                path: path
            )
        }
        return false
    }

    func finish(run: Int64, summary: String, in db: Database) throws -> StoredRun {
        guard var record = try RunRecord.fetchOne(db, key: run) else { throw runNotFound(run) }
        guard record.completedCount >= record.itemCount else {
            throw StoreError(
                .incompleteRun,
                "Run \(run) has \(record.completedCount) of \(record.itemCount) items recorded; record the rest before finishing it (running the evaluation again resumes it).",
                path: path
            )
        }
        record.status = RunStatus.finished.rawValue
        record.summary = summary
        record.failure = nil
        record.updatedAt = Date()
        try record.update(db)
        return try stored(record.id, in: db)
    }

    func fail(run: Int64, reason: String, in db: Database) throws {
        guard var record = try RunRecord.fetchOne(db, key: run) else { throw runNotFound(run) }
        guard record.status != RunStatus.finished.rawValue else { return }
        record.status = RunStatus.failed.rawValue
        record.failure = reason
        record.updatedAt = Date()
        try record.update(db)
    }

    func completedItems(run: Int64, in db: Database) throws -> [Int: Data] {
        guard try RunRecord.exists(db, key: run) else { throw runNotFound(run) }
        let rows = try Row.fetchCursor(db, sql: "SELECT itemIndex, payload FROM item_result WHERE runId = ?", arguments: [run])
        var result: [Int: Data] = [:]
        while let row = try rows.next() {
            let payload: String = row["payload"]
            result[row["itemIndex"]] = Data(payload.utf8)
        }
        return result
    }

    /// The run as read back from the database, so callers get exactly what a later read returns
    /// (dates are stored to the millisecond).
    func stored(_ id: Int64?, in db: Database) throws -> StoredRun {
        guard let id, let record = try RunRecord.fetchOne(db, key: id) else {
            throw StoreError(.database, "A run just written to \(path) could not be read back; this is a bug in TruthKit.", path: path)
        }
        return try record.storedRun(path: path)
    }

    func runNotFound(_ id: Int64) -> StoreError {
        StoreError(.runNotFound, "There is no run \(id) in \(path); `truthkit runs list` shows the runs there are.", path: path)
    }

    // MARK: Errors and JSON

    func mapErrors<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as StoreError {
            throw error
        } catch {
            throw Self.translate(error, path: path)
        }
    }

    /// Turns an SQLite error into a `StoreError` that says what to do about it.
    static func translate(_ error: any Error, path: String) -> StoreError {
        if let error = error as? StoreError { return error }
        guard let databaseError = error as? DatabaseError else {
            return StoreError(.database, "The run store \(path) failed: \(error)", path: path, cause: error)
        }
        let detail = databaseError.message ?? "\(databaseError.resultCode)"
        switch databaseError.resultCode {
        case .SQLITE_NOTADB, .SQLITE_CORRUPT:
            return StoreError(
                .corruptDatabase,
                "\(path) is not a readable TruthKit run database (SQLite: \(detail)). Move it aside (mv '\(path)' '\(path).broken') and run again to start a new store, or point at another file with --store PATH.",
                path: path, cause: error
            )
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            return StoreError(
                .busy,
                "\(path) stayed locked by another process for more than 10 seconds. Wait for the other truthkit command to finish, or use another store with --store PATH.",
                path: path, cause: error
            )
        case .SQLITE_CANTOPEN, .SQLITE_READONLY, .SQLITE_PERM, .SQLITE_IOERR, .SQLITE_FULL, .SQLITE_AUTH:
            return StoreError(
                .cannotOpen,
                "Cannot read and write \(path) (SQLite: \(detail)). Check the permissions and free space there, or set TRUTHKIT_HOME to a writable folder or pass --store PATH.",
                path: path, cause: error
            )
        default:
            return StoreError(.database, "The run store \(path) failed: \(detail).", path: path, cause: error)
        }
    }

    /// The payload as text, checked to be UTF-8 JSON, so every stored row can be printed as JSONL.
    static func jsonText(_ data: Data, what: String) throws -> String {
        guard let text = String(data: data, encoding: .utf8) else {
            throw StoreError(.invalidJSON, "\(what) is not UTF-8 text; encode it with JSONEncoder before storing it.")
        }
        do {
            _ = try JSONSerialization.jsonObject(with: data, options: .fragmentsAllowed)
        } catch {
            throw StoreError(
                .invalidJSON, "\(what) is not valid JSON (\(text.prefix(60).debugDescription)…); encode it with JSONEncoder before storing it.",
                cause: error
            )
        }
        return text
    }

    /// JSON re-serialised with sorted keys, for comparing two payloads that may differ only in
    /// key order (Swift dictionaries encode in a per-process order).
    static func normalizedJSON(_ text: String) -> Data? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8), options: .fragmentsAllowed) else {
            return nil
        }
        return try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .fragmentsAllowed])
    }
}
