import Crypto
import Foundation
@testable import TKBenchmarks

/// Where the tests find the shared TruthfulQA files, and small file helpers.
///
/// The data directory is `$TRUTHKIT_DATA_DIR` when set (CI sets it to `../shared/data`), else
/// `../shared/data` beside the package root, found from this file's path so the tests do not
/// depend on the working directory.
enum DataTestSupport {
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static var dataDirectory: URL {
        if let dir = ProcessInfo.processInfo.environment["TRUTHKIT_DATA_DIR"], !dir.isEmpty {
            return URL(fileURLWithPath: dir, relativeTo: packageRoot).standardizedFileURL
        }
        return packageRoot.deletingLastPathComponent().appendingPathComponent("shared/data")
    }

    /// The path of a shared TruthfulQA file by name (`mc_en.jsonl`).
    static func path(_ name: String) -> String {
        dataDirectory.appendingPathComponent("truthfulqa").appendingPathComponent(name).path
    }

    static func bytes(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: URL(fileURLWithPath: path(name))))
    }

    static func text(_ name: String) throws -> String {
        String(decoding: try bytes(name), as: UTF8.self)
    }

    static func sha256(_ bytes: [UInt8]) -> String {
        SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
    }

    /// Runs `body` with a fresh temporary folder, removed afterwards.
    static func withTemporaryDirectory<T>(_ body: (URL) async throws -> T) async rethrows -> T {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tk-data-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        return try await body(dir)
    }

    /// Writes `text` to `name` inside `directory` and returns its path.
    @discardableResult
    static func write(_ text: String, _ name: String, in directory: URL) throws -> String {
        let url = directory.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
        return url.path
    }

    /// The SHA-256 column of `../shared/data/README.md`, by file name.
    static func readmeChecksums() throws -> [String: String] {
        let readme = try String(contentsOf: dataDirectory.appendingPathComponent("README.md"), encoding: .utf8)
        var checksums: [String: String] = [:]
        for line in readme.split(separator: "\n") where line.hasPrefix("| `") {
            let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count >= 3 else { continue }
            let name = cells[0].trimmingCharacters(in: CharacterSet(charactersIn: "`"))
            let sha = cells[2].trimmingCharacters(in: CharacterSet(charactersIn: "`"))
            if sha.count == 64 { checksums[name] = sha }
        }
        return checksums
    }
}

/// Loaded once and shared: each of these files takes a noticeable fraction of a second to parse
/// in a debug build, and many tests read them.
enum SharedDatasets {
    static let mcEnglish = Result { try TruthfulQADataset.load(language: "en", dataDirectory: DataTestSupport.dataDirectory) }
    static let csvV0 = Result { try TruthfulQADataset.loadCSV(path: DataTestSupport.path("TruthfulQA_v0_2021-09.csv")) }
    static let csvV1 = Result { try TruthfulQADataset.loadCSV(path: DataTestSupport.path("TruthfulQA_v1_2021-10.csv")) }
    static let csv2025 = Result { try TruthfulQADataset.loadCSV(path: DataTestSupport.path("TruthfulQA.csv")) }

    /// One of the three CSVs above, by file name.
    static func csv(named name: String) throws -> TruthfulQADataset {
        switch name {
        case "TruthfulQA_v0_2021-09.csv": return try csvV0.get()
        case "TruthfulQA_v1_2021-10.csv": return try csvV1.get()
        default: return try csv2025.get()
        }
    }
}
