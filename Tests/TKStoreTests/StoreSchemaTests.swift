import Foundation
import GRDB
import Testing
@testable import TKStore

struct StoreSchemaTests {
    @Test func emptyFileMigratesToTheLatestSchema() throws {
        let folder = try TemporaryFolder()
        let store = try ResultStore(path: folder.databasePath)
        try store.queue.read { db in
            #expect(try StoreSchema.migrator.hasCompletedMigrations(db))
            #expect(try db.tableExists("run"))
            #expect(try db.tableExists("item_result"))
            let runColumns = Set(try db.columns(in: "run").map(\.name))
            #expect(runColumns == [
                "id", "key", "modelName", "modelFingerprint", "task", "taskVersion", "dataChecksum", "settings",
                "createdAt", "updatedAt", "status", "itemCount", "completedCount", "summary", "failure",
            ])
            let itemColumns = Set(try db.columns(in: "item_result").map(\.name))
            #expect(itemColumns == ["runId", "itemIndex", "payload", "createdAt"])
            #expect(try db.table("item_result", hasUniqueKey: ["runId", "itemIndex"]))
            #expect(try db.table("run", hasUniqueKey: ["key"]))
            #expect(try String.fetchOne(db, sql: "PRAGMA journal_mode") == "wal")
        }
    }

    @Test func reopeningAMigratedFileChangesNothing() throws {
        let folder = try TemporaryFolder()
        let run = try ResultStore(path: folder.databasePath).openRun(sampleKey(), itemCount: 2)
        let reopened = try ResultStore(path: folder.databasePath)
        #expect(try reopened.run(id: run.id) == run)
    }

    @Test func databaseFromANewerTruthKitIsRefused() throws {
        let folder = try TemporaryFolder()
        do {
            let store = try ResultStore(path: folder.databasePath)
            try store.queue.write { db in
                try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v99: from the future')")
            }
        }
        let error = try #require(throws: StoreError.self) { try ResultStore(path: folder.databasePath) }
        #expect(error.code == .newerDatabase)
        #expect(error.message.contains(folder.databasePath))
        #expect(error.message.contains("Upgrade TruthKit"))
    }

    @Test func corruptFileNamesThePathAndSaysToMoveItAside() throws {
        let folder = try TemporaryFolder()
        let garbage = Data((0..<8192).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) })
        try garbage.write(to: URL(fileURLWithPath: folder.databasePath))
        let error = try #require(throws: StoreError.self) { try ResultStore(path: folder.databasePath) }
        #expect(error.code == .corruptDatabase)
        #expect(error.message.contains(folder.databasePath))
        #expect(error.message.contains("Move it aside"))
    }

    @Test func folderThatCannotBeCreatedIsReportedWithTheFix() throws {
        let folder = try TemporaryFolder()
        let blocker = folder.url.appendingPathComponent("not-a-folder")
        try Data("x".utf8).write(to: blocker)
        let error = try #require(throws: StoreError.self) {
            try ResultStore(path: blocker.appendingPathComponent("runs.sqlite").path)
        }
        #expect(error.code == .cannotOpen)
        #expect(error.message.contains("TRUTHKIT_HOME"))
    }

    @Test func defaultPathFollowsTruthKitHome() {
        #expect(ResultStore.defaultPath(environment: ["HOME": "/home/u"]) == "/home/u/.cache/truthkit/runs.sqlite")
        #expect(ResultStore.defaultPath(environment: ["HOME": "/home/u", "TRUTHKIT_HOME": "/data/tk"]) == "/data/tk/runs.sqlite")
        #expect(ResultStore.defaultPath(environment: ["HOME": "/home/u", "TRUTHKIT_HOME": "~/tk"]) == "/home/u/tk/runs.sqlite")
    }

    @Test func defaultStoreCreatesItsFolder() throws {
        let folder = try TemporaryFolder()
        let home = folder.url.appendingPathComponent("deep/home").path
        let store = try ResultStore(environment: ["TRUTHKIT_HOME": home])
        #expect(store.path == home + "/runs.sqlite")
        #expect(FileManager.default.fileExists(atPath: store.path))
    }
}
