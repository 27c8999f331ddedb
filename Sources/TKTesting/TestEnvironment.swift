import Foundation

/// Where tests find the shared reference data and the default model.
///
/// `TRUTHKIT_SHARED_DIR` (default: `../shared` beside the package root) holds the TruthfulQA data
/// and the reference numbers; `TRUTHKIT_MODEL` (default: the `truthkit models pull` cache) is the
/// SmolLM2-135M-Instruct Q4_1 file. Tests that need the model skip with `missingModelMessage`.
public enum TestEnvironment {
    /// The package root, found from this file's location.
    public static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    public static var sharedDirectory: URL {
        if let dir = ProcessInfo.processInfo.environment["TRUTHKIT_SHARED_DIR"], !dir.isEmpty {
            return URL(fileURLWithPath: dir)
        }
        return packageRoot.deletingLastPathComponent().appendingPathComponent("shared")
    }

    public static var referenceDirectory: URL { sharedDirectory.appendingPathComponent("reference") }

    public static var modelPath: String {
        if let path = ProcessInfo.processInfo.environment["TRUTHKIT_MODEL"], !path.isEmpty { return path }
        let home = ProcessInfo.processInfo.environment["TRUTHKIT_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/truthkit").path
        return home + "/models/SmolLM2-135M-Instruct.Q4_1.gguf"
    }

    public static var modelAvailable: Bool { FileManager.default.fileExists(atPath: modelPath) }

    public static var missingModelMessage: String {
        "SmolLM2-135M-Instruct not found at \(modelPath); `truthkit models pull smollm2-135m-instruct` fetches it (or set TRUTHKIT_MODEL)"
    }
}
