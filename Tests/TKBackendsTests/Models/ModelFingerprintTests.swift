import Foundation
import Testing
@testable import TKBackends

@Suite struct ModelFingerprintTests {
    func folder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("tkfp-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Sets a file's modification time, so a rewrite can keep or change its stamp on purpose.
    func setModified(_ path: String, seconds: Int) {
        var times = [timespec(tv_sec: seconds, tv_nsec: 0), timespec(tv_sec: seconds, tv_nsec: 0)]
        _ = utimensat(AT_FDCWD, path, &times, 0)
    }

    @Test func aFileIsHashedOnceUntilItChanges() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let env = ["TRUTHKIT_HOME": dir.appendingPathComponent("home").path, "HOME": dir.path]
        let file = dir.appendingPathComponent("m.gguf").path
        try Data("first-bytes".utf8).write(to: URL(fileURLWithPath: file))
        setModified(file, seconds: 1_000_000)
        let first = try ModelFingerprint.of(path: file, environment: env)
        let firstDigest = try FileDigest.sha256(of: URL(fileURLWithPath: file)).hex
        #expect(first == "sha256:" + firstDigest)
        // Same size, same mtime, same inode: the remembered digest is returned without reading the
        // file (proved by changing its bytes behind the stamp's back).
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: file))
        try handle.write(contentsOf: Data("FIRST-BYTES".utf8))
        try handle.close()
        setModified(file, seconds: 1_000_000)
        #expect(try ModelFingerprint.of(path: file, environment: env) == first)
        // A touched file is hashed anew.
        setModified(file, seconds: 2_000_000)
        let second = try ModelFingerprint.of(path: file, environment: env)
        let secondDigest = try FileDigest.sha256(of: URL(fileURLWithPath: file)).hex
        #expect(second != first && second == "sha256:" + secondDigest)
        // Remembered on disk for other processes, keyed by the resolved path.
        let saved = try String(contentsOf: dir.appendingPathComponent("home/fingerprints.json"), encoding: .utf8)
        #expect(saved.contains(String(second.dropFirst(7))))
        // Entries of files that no longer exist are dropped at the next write.
        let other = dir.appendingPathComponent("other.gguf").path
        try Data("other".utf8).write(to: URL(fileURLWithPath: other))
        try FileManager.default.removeItem(atPath: file)
        _ = try ModelFingerprint.of(path: other, environment: env)
        let pruned = try String(contentsOf: dir.appendingPathComponent("home/fingerprints.json"), encoding: .utf8)
        #expect(!pruned.contains("m.gguf") && pruned.contains("other.gguf"))
    }

    @Test func linksShareTheirTargetsDigestAndMissingFilesFailClearly() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let env = ["TRUTHKIT_HOME": dir.appendingPathComponent("home").path]
        let target = dir.appendingPathComponent("blob").path
        try Data(repeating: 7, count: 4096).write(to: URL(fileURLWithPath: target))
        let link = dir.appendingPathComponent("model.gguf").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
        let viaLink = try ModelFingerprint.of(path: link, environment: env)
        #expect(try viaLink == ModelFingerprint.of(path: target, environment: env))
        #expect { try ModelFingerprint.of(path: dir.appendingPathComponent("none.gguf").path, environment: env) } throws: {
            "\($0)".contains("none.gguf")
        }
    }
}
