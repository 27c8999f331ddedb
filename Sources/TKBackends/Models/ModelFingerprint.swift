import Foundation
import Synchronization
import TKEvalCore

/// A model file's identity, `sha256:<hex>`, without hashing the same file again and again.
///
/// Hashing a 4 GB model takes seconds to minutes, and an intervention comparison loads the model
/// once per side and fold. A file's digest is computed once and remembered — in this process and
/// in `$TRUTHKIT_HOME/fingerprints.json` — under its resolved path, keyed by what changes when the
/// file does: size, modification time (nanoseconds), inode and device. A file replaced, rewritten or
/// touched is hashed anew. Registry downloads record the digest they were verified against
/// (`remember`), so a pulled model is never hashed for its fingerprint at all.
public enum ModelFingerprint {
    /// What a remembered digest is valid for.
    struct FileStamp: Codable, Equatable, Sendable {
        var size: Int64
        var modifiedNanoseconds: Int64
        var inode: UInt64
        var device: UInt64
    }

    struct Entry: Codable, Equatable, Sendable {
        var stamp: FileStamp
        var sha256: String
    }

    private static let memory = Mutex<[String: Entry]>([:])

    /// `sha256:<hex>` of the file at `path` (symbolic links followed).
    public static func of(path: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> String {
        "sha256:" + (try sha256(path: path, environment: environment))
    }

    /// The lowercase hex SHA-256 of the file at `path`, from the cache when the file is unchanged.
    public static func sha256(path: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> String {
        let resolved = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
        let stamp = try self.stamp(resolved)
        if let hit = memory.withLock({ $0[resolved] }), hit.stamp == stamp { return hit.sha256 }
        let store = storeURL(environment: environment)
        if let hit = load(store)[resolved], hit.stamp == stamp {
            memory.withLock { $0[resolved] = hit }
            return hit.sha256
        }
        let digest = try FileDigest.sha256(of: URL(fileURLWithPath: resolved)).hex
        // The file may have changed while it was read: remember the digest only for the stamp it still has.
        if try self.stamp(resolved) == stamp { record(Entry(stamp: stamp, sha256: digest), for: resolved, in: store) }
        return digest
    }

    /// Records a digest that was just verified some other way (a registry pin checked after a download).
    public static func remember(path: String, sha256: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        let resolved = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
        record(Entry(stamp: try stamp(resolved), sha256: sha256.lowercased()), for: resolved, in: storeURL(environment: environment))
    }

    static func storeURL(environment: [String: String]) -> URL {
        TruthKitPaths.root(environment: environment).appendingPathComponent("fingerprints.json")
    }

    static func stamp(_ path: String) throws -> FileStamp {
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw ModelError(.fileSystem, "Cannot read \(path): \(String(cString: strerror(errno))). Check the path (`truthkit models list` shows cached models).", path: path)
        }
        return FileStamp(size: Int64(info.st_size),
                         modifiedNanoseconds: Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec),
                         inode: UInt64(info.st_ino), device: UInt64(info.st_dev))
    }

    static func load(_ store: URL) -> [String: Entry] {
        // An unreadable or damaged cache only costs a re-hash: it is never an error.
        guard let data = try? Data(contentsOf: store),
              let entries = try? JSONDecoder().decode([String: Entry].self, from: data) else { return [:] }
        return entries
    }

    /// Adds `entry` in memory and on disk (read–modify–write with an atomic replace, so a
    /// concurrent writer can lose an entry — costing a re-hash — but never corrupt the file).
    static func record(_ entry: Entry, for path: String, in store: URL) {
        memory.withLock { $0[path] = entry }
        // Files that are gone (temporary models, deleted downloads) are dropped, so the cache
        // holds only what can still be loaded.
        var entries = load(store).filter { FileManager.default.fileExists(atPath: $0.key) }
        entries[path] = entry
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        guard let data = try? encoder.encode(entries) else { return }
        try? FileManager.default.createDirectory(at: store.deletingLastPathComponent(), withIntermediateDirectories: true)
        try? data.write(to: store, options: .atomic)
    }
}
