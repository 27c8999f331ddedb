import Foundation
import Testing
import TKGGUF
@testable import TKTokenizer

/// Where the tests find the real model, the shared reference data and the committed fixtures.
///
/// The model path comes from `TRUTHKIT_MODEL` (default: the `truthkit models pull` cache), the
/// shared directory from `TRUTHKIT_SHARED_DIR` (default: `../shared` next to the package root).
enum TestResources {
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static let fixtures = packageRoot.appendingPathComponent("Tests/TKTokenizerTests/Fixtures")

    static var sharedDirectory: URL {
        if let dir = ProcessInfo.processInfo.environment["TRUTHKIT_SHARED_DIR"], !dir.isEmpty {
            return URL(fileURLWithPath: dir)
        }
        return packageRoot.deletingLastPathComponent().appendingPathComponent("shared")
    }

    static var modelPath: String {
        if let path = ProcessInfo.processInfo.environment["TRUTHKIT_MODEL"], !path.isEmpty { return path }
        return FileManager.default.homeDirectoryForCurrentUser
            .appendingPathComponent(".cache/truthkit/models/SmolLM2-135M-Instruct.Q4_1.gguf").path
    }

    static var modelAvailable: Bool { FileManager.default.fileExists(atPath: modelPath) }

    static var modelMissingMessage: Comment {
        "SmolLM2-135M-Instruct not found at \(modelPath); `truthkit models pull smollm2-135m-instruct` fetches it (or set TRUTHKIT_MODEL)"
    }

    static var sharedAvailable: Bool {
        FileManager.default.fileExists(atPath: sharedDirectory.appendingPathComponent("reference").path)
    }

    static var sharedMissingMessage: Comment {
        "shared reference data not found at \(sharedDirectory.path); set TRUTHKIT_SHARED_DIR"
    }

    /// The real model's GGUF header, parsed once for all tests.
    static let modelFile: GGUFFile? = try? GGUFFile(path: modelPath)

    /// The real model's tokenizer, built once for all tests.
    static let smolLM: Tokenizer? = modelFile.flatMap { try? Tokenizer(gguf: $0) }

    static func fixture<T: Decodable>(_ name: String, as type: T.Type) throws -> T {
        let data = try Data(contentsOf: fixtures.appendingPathComponent(name))
        return try JSONDecoder().decode(T.self, from: data)
    }

    static func shared<T: Decodable>(_ relativePath: String, as type: T.Type) throws -> T {
        let data = try Data(contentsOf: sharedDirectory.appendingPathComponent(relativePath))
        return try JSONDecoder().decode(T.self, from: data)
    }
}
