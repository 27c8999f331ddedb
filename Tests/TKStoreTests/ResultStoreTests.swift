import Foundation
import Testing
@testable import TKStore

struct ResultStoreTests {
    @Test func openRunReturnsTheSameRunForTheSameKey() throws {
        let folder = try TemporaryFolder()
        let store = try ResultStore(path: folder.databasePath)
        let first = try store.openRun(sampleKey(), itemCount: 5)
        #expect(first.status == .running)
        #expect(first.completedCount == 0)
        #expect(first.key == sampleKey())
        #expect(try store.openRun(sampleKey(), itemCount: 5).id == first.id)
        // The model name is not part of the key.
        #expect(try store.openRun(sampleKey(modelName: "renamed"), itemCount: 5).id == first.id)
        #expect(try store.openRun(sampleKey(variant: "b"), itemCount: 5).id != first.id)
        #expect(try store.listRuns().count == 2)
    }

    @Test func sameKeyWithADifferentItemCountIsAConflict() throws {
        let folder = try TemporaryFolder()
        let store = try ResultStore(path: folder.databasePath)
        _ = try store.openRun(sampleKey(), itemCount: 5)
        let error = try #require(throws: StoreError.self) { try store.openRun(sampleKey(), itemCount: 6) }
        #expect(error.code == .keyConflict)
        #expect(error.message.contains("runs delete"))
    }

    @Test func recordedItemsAreReadBackByteForByte() throws {
        let folder = try TemporaryFolder()
        let store = try ResultStore(path: folder.databasePath)
        let run = try store.openRun(sampleKey(), itemCount: 5)
        for item in [0, 3, 1] {
            #expect(try store.record(run: run.id, item: item, payload: samplePayload(item)))
        }
        let completed = try store.completedItems(run: run.id)
        #expect(completed == [0: samplePayload(0), 1: samplePayload(1), 3: samplePayload(3)])
        #expect(try store.items(run: run.id).map(\.index) == [0, 1, 3])
        let reread = try #require(try store.run(id: run.id))
        #expect(reread.completedCount == 3)
        #expect(reread.status == .running)
        #expect(reread.updatedAt >= run.updatedAt)
    }

    @Test func recordingTheSameItemTwiceIsANoOp() throws {
        let folder = try TemporaryFolder()
        let store = try ResultStore(path: folder.databasePath)
        let run = try store.openRun(sampleKey(), itemCount: 3)
        #expect(try store.record(run: run.id, item: 1, payload: samplePayload(1)))
        #expect(try !store.record(run: run.id, item: 1, payload: samplePayload(1)))
        // The same JSON with its keys in another order is the same result.
        #expect(try !store.record(run: run.id, item: 1, payload: Data(#"{"mc2":0.1,"mc1":1,"item":1}"#.utf8)))
        #expect(try store.items(run: run.id).count == 1)
        #expect(try store.run(id: run.id)?.completedCount == 1)
        let rows = try store.queue.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM item_result") }
        #expect(rows == 1)
    }

    @Test func recordingADifferentResultForAnItemIsRefused() throws {
        let folder = try TemporaryFolder()
        let store = try ResultStore(path: folder.databasePath)
        let run = try store.openRun(sampleKey(), itemCount: 3)
        try store.record(run: run.id, item: 1, payload: samplePayload(1))
        let error = try #require(throws: StoreError.self) {
            try store.record(run: run.id, item: 1, payload: samplePayload(2))
        }
        #expect(error.code == .conflictingResult)
        #expect(try store.completedItems(run: run.id)[1] == samplePayload(1))
    }

    @Test func badRecordsAreRefusedWithTheReason() throws {
        let folder = try TemporaryFolder()
        let store = try ResultStore(path: folder.databasePath)
        let run = try store.openRun(sampleKey(), itemCount: 3)
        #expect(throws: StoreError.self) { try store.record(run: run.id, item: 3, payload: samplePayload(3)) }
        #expect(throws: StoreError.self) { try store.record(run: run.id, item: -1, payload: samplePayload(0)) }
        #expect(throws: StoreError.self) { try store.record(run: run.id + 100, item: 0, payload: samplePayload(0)) }
        let notJSON = try #require(throws: StoreError.self) { try store.record(run: run.id, item: 0, payload: Data("{oops".utf8)) }
        #expect(notJSON.code == .invalidJSON)
        let notUTF8 = try #require(throws: StoreError.self) { try store.record(run: run.id, item: 0, payload: Data([0xFF, 0xFE])) }
        #expect(notUTF8.code == .invalidJSON)
        #expect(try store.completedItems(run: run.id).isEmpty)
    }

    @Test func finishNeedsEveryItemAndThenStoresTheSummary() throws {
        let folder = try TemporaryFolder()
        let store = try ResultStore(path: folder.databasePath)
        let run = try store.openRun(sampleKey(), itemCount: 2)
        try store.record(run: run.id, item: 0, payload: samplePayload(0))
        let summary = Data(#"{"metrics":{"mc2":0.55}}"#.utf8)
        let early = try #require(throws: StoreError.self) { try store.finish(run: run.id, summary: summary) }
        #expect(early.code == .incompleteRun)
        #expect(early.message.contains("1 of 2"))

        try store.record(run: run.id, item: 1, payload: samplePayload(1))
        let finished = try store.finish(run: run.id, summary: summary)
        #expect(finished.status == .finished)
        #expect(finished.summary == summary)

        // Re-running the same evaluation finds the finished run and its results.
        let again = try ResultStore(path: folder.databasePath).openRun(sampleKey(), itemCount: 2)
        #expect(again.id == run.id)
        #expect(again.status == .finished)
        #expect(again.summary == summary)
        #expect(again.isComplete)
    }

    @Test func failedRunIsResumedWhenOpenedAgain() throws {
        let folder = try TemporaryFolder()
        let store = try ResultStore(path: folder.databasePath)
        let run = try store.openRun(sampleKey(), itemCount: 2)
        try store.fail(run: run.id, reason: "server went away")
        #expect(try store.run(id: run.id)?.status == .failed)
        #expect(try store.run(id: run.id)?.failure == "server went away")
        let resumed = try store.openRun(sampleKey(), itemCount: 2)
        #expect(resumed.status == .running)
        #expect(resumed.failure == nil)
    }

    @Test func deletingARunDeletesItsItems() throws {
        let folder = try TemporaryFolder()
        let store = try ResultStore(path: folder.databasePath)
        let run = try store.openRun(sampleKey(), itemCount: 2)
        try store.record(run: run.id, item: 0, payload: samplePayload(0))
        try store.deleteRun(id: run.id)
        #expect(try store.run(id: run.id) == nil)
        let rows = try store.queue.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM item_result") }
        #expect(rows == 0)
        #expect(throws: StoreError.self) { try store.deleteRun(id: run.id) }
        #expect(throws: StoreError.self) { try store.items(run: run.id) }
    }

    @Test func asyncCallsWorkLikeTheSyncOnes() async throws {
        let folder = try TemporaryFolder()
        let store = try ResultStore(path: folder.databasePath)
        let run = try await store.openRun(sampleKey(), itemCount: 20)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for item in 0..<20 {
                group.addTask { try await store.record(run: run.id, item: item, payload: samplePayload(item)) }
            }
            try await group.waitForAll()
        }
        #expect(try await store.completedItems(run: run.id).count == 20)
        let finished = try await store.finish(run: run.id, summary: Data("{}".utf8))
        #expect(finished.completedCount == 20)
    }

    @Test func twoStoresOnOneFileShareIt() throws {
        // As two processes would: separate connections, interleaved writes.
        let folder = try TemporaryFolder()
        let a = try ResultStore(path: folder.databasePath)
        let b = try ResultStore(path: folder.databasePath)
        let run = try a.openRun(sampleKey(), itemCount: 10)
        #expect(try b.openRun(sampleKey(), itemCount: 10).id == run.id)
        for item in 0..<10 {
            try (item.isMultiple(of: 2) ? a : b).record(run: run.id, item: item, payload: samplePayload(item))
        }
        #expect(try a.run(id: run.id)?.completedCount == 10)
        #expect(try b.completedItems(run: run.id).count == 10)
    }
}

struct InterruptedRunTests {
    /// A run abandoned without `finish` (the store object dropped, as when a process dies
    /// between items) resumes with exactly the items recorded, and ends like an uninterrupted run.
    @Test func droppedStoreResumesWithExactlyTheRecordedItems() throws {
        let folder = try TemporaryFolder()
        let total = 12
        let recordedBeforeCrash = 7
        var runID: Int64 = 0
        do {
            let store = try ResultStore(path: folder.databasePath)
            let run = try store.openRun(sampleKey(), itemCount: total)
            runID = run.id
            for item in 0..<recordedBeforeCrash {
                try store.record(run: run.id, item: item, payload: samplePayload(item))
            }
        }

        let store = try ResultStore(path: folder.databasePath)
        let run = try store.openRun(sampleKey(), itemCount: total)
        #expect(run.id == runID)
        #expect(run.status == .running)
        #expect(run.completedCount == recordedBeforeCrash)
        let done = try store.completedItems(run: run.id)
        #expect(Set(done.keys) == Set(0..<recordedBeforeCrash))
        for item in 0..<total where done[item] == nil {
            try store.record(run: run.id, item: item, payload: samplePayload(item))
        }
        try store.finish(run: run.id, summary: Data("{}".utf8))

        // Identical to a run that was never interrupted.
        let reference = try ResultStore(path: folder.url.appendingPathComponent("reference.sqlite").path)
        let referenceRun = try reference.openRun(sampleKey(), itemCount: total)
        for item in 0..<total {
            try reference.record(run: referenceRun.id, item: item, payload: samplePayload(item))
        }
        #expect(try store.completedItems(run: run.id) == reference.completedItems(run: referenceRun.id))
    }
}
