import Crypto
import Foundation
@testable import TKBackends

/// Small helpers shared by the model tests: scratch folders, deterministic bytes, hashing.
enum Fixtures {
    /// A fresh folder under the system temporary directory, removed after `body`.
    static func withTemporaryDirectory<T>(_ body: (URL) async throws -> T) async throws -> T {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("truthkit-tests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: url) }
        return try await body(url)
    }

    /// `count` pseudo-random bytes from a fixed seed (xorshift), the same on every run.
    static func bytes(_ count: Int, seed: UInt64 = 0x9E37_79B9_7F4A_7C15) -> [UInt8] {
        var state = seed
        var result = [UInt8]()
        result.reserveCapacity(count)
        for _ in 0..<count {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            result.append(UInt8(truncatingIfNeeded: state))
        }
        return result
    }

    static func sha256(_ bytes: [UInt8]) -> String {
        SHA256.hash(data: bytes).map { $0 < 16 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
    }

    static func write(_ bytes: [UInt8], to url: URL) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(bytes).write(to: url)
    }

    static func read(_ url: URL) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: url))
    }

    static func exists(_ url: URL) -> Bool {
        FileManager.default.fileExists(atPath: url.path)
    }

    /// A downloader that retries quickly, so failure tests take milliseconds.
    static func fastDownloader(attempts: Int = 3) -> Downloader {
        Downloader(retryPolicy: RetryPolicy(maxAttempts: attempts, initialDelay: .milliseconds(10)), idleTimeout: 120)  // generous: the whole suite runs at once on two cores
    }

    /// The process environment with `TRUTHKIT_HOME` inside `root` and the settings that would
    /// change a test's outcome (`HF_*`, `TRUTHKIT_PYTHON`) removed. The rest (PATH, HOME,
    /// PYENV_ROOT) stays, so python3 shims keep working.
    static func environment(root: URL, extra: [String: String] = [:]) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment
        for key in ["HF_ENDPOINT", "HF_TOKEN", "HUGGING_FACE_HUB_TOKEN", "TRUTHKIT_PYTHON"] {
            environment[key] = nil
        }
        environment["TRUTHKIT_HOME"] = root.appendingPathComponent("home").path
        environment.merge(extra) { _, new in new }
        return environment
    }
}
