import Foundation
import GRDB
import Testing
@testable import TKStore

#if canImport(Glibc)
import Glibc
#endif

/// The environment variable that turns `killedWriterChild` on, naming the database to write.
private let childDatabaseVariable = "TKSTORE_KILL_TEST_DATABASE"
private let childItemCount = 1_000

/// This test binary's own path, when it can be run again as a child process: on Linux `swift
/// test` runs `<Package>PackageTests.xctest`, an ordinary executable that takes
/// `--testing-library swift-testing --filter NAME`. On macOS the tests run inside a host process,
/// so the kill test is skipped there.
private let selfExecutable: String? = {
    #if os(Linux)
    guard let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"),
          path.hasSuffix(".xctest") else { return nil }
    return path
    #else
    return nil
    #endif
}()

/// A real `kill -9` in the middle of a run: a child process records items one transaction at a
/// time, the test SIGKILLs it, and the database must open cleanly with exactly the items whose
/// transactions committed, then resume to the same results as an uninterrupted run.
///
/// The child is this same test binary running only `killedWriterChild`, which does nothing
/// unless the parent sets `TKSTORE_KILL_TEST_DATABASE` (so in a normal run it shows as skipped).
struct KilledWriterTests {
    @Test(.enabled(if: selfExecutable != nil, "needs the test binary to be a plain executable (Linux)"),
          .timeLimit(.minutes(2)))
    func killedWriterLeavesAConsistentResumableRun() throws {
        let folder = try TemporaryFolder()
        let store = try ResultStore(path: folder.databasePath)
        let run = try store.openRun(sampleKey(), itemCount: childItemCount)

        let log = folder.url.appendingPathComponent("child.log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let child = Process()
        child.executableURL = URL(fileURLWithPath: selfExecutable!)
        child.arguments = ["--testing-library", "swift-testing", "--filter", "killedWriterChild"]
        var environment = ProcessInfo.processInfo.environment
        environment[childDatabaseVariable] = folder.databasePath
        child.environment = environment
        child.standardOutput = try FileHandle(forWritingTo: log)
        child.standardError = child.standardOutput
        try child.run()

        // Let the child commit a few dozen items, then kill it without warning.
        let deadline = Date().addingTimeInterval(60)
        while try store.run(id: run.id)!.completedCount < 40 {
            guard child.isRunning, Date() < deadline else {
                child.terminate()
                let output = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
                Issue.record("The child writer stopped or stalled before 40 items:\n\(output.suffix(2_000))")
                return
            }
            usleep(10_000)
        }
        kill(child.processIdentifier, SIGKILL)
        child.waitUntilExit()
        #expect(child.terminationReason == .uncaughtSignal)
        #expect(child.terminationStatus == SIGKILL)

        // A new connection, as the next `truthkit` process would open.
        let reopened = try ResultStore(path: folder.databasePath)
        let integrity = try reopened.queue.read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check") }
        #expect(integrity == ["ok"])
        let resumed = try reopened.openRun(sampleKey(), itemCount: childItemCount)
        #expect(resumed.id == run.id)
        #expect(resumed.status == .running)
        let done = try reopened.completedItems(run: run.id)
        let recorded = done.count
        #expect(recorded >= 40 && recorded < childItemCount, "the kill must land mid-run")
        // The child records in order, one transaction per item: what survives is a prefix, each
        // payload whole, and the counter agrees with the rows.
        #expect(Set(done.keys) == Set(0..<recorded))
        #expect(done.allSatisfy { $0.value == samplePayload($0.key) })
        #expect(resumed.completedCount == recorded)

        for item in recorded..<childItemCount {
            try reopened.record(run: run.id, item: item, payload: samplePayload(item))
        }
        let finished = try reopened.finish(run: run.id, summary: Data(#"{"metrics":{"mc2":0.5}}"#.utf8))
        #expect(finished.completedCount == childItemCount)
        let all = try reopened.completedItems(run: run.id)
        #expect(all.count == childItemCount)
        #expect(all.allSatisfy { $0.value == samplePayload($0.key) })
    }

    /// The writer half of `killedWriterLeavesAConsistentResumableRun`; runs only in its child.
    @Test(.enabled(if: ProcessInfo.processInfo.environment[childDatabaseVariable] != nil, "runs only as the child of the kill test"))
    func killedWriterChild() throws {
        let path = ProcessInfo.processInfo.environment[childDatabaseVariable]!
        let store = try ResultStore(path: path)
        let run = try store.openRun(sampleKey(), itemCount: childItemCount)
        for item in 0..<childItemCount {
            try store.record(run: run.id, item: item, payload: samplePayload(item))
            // Slow enough that the parent's kill lands long before the end.
            usleep(5_000)
        }
    }
}
