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

    /// Gemma 3 270M Q4_K_M (`truthkit models pull gemma3-270m`), or `TRUTHKIT_GEMMA3_MODEL`.
    public static var gemma3Path: String {
        if let path = ProcessInfo.processInfo.environment["TRUTHKIT_GEMMA3_MODEL"], !path.isEmpty { return path }
        return URL(fileURLWithPath: modelPath).deletingLastPathComponent().appendingPathComponent("gemma-3-270m-q4_k_m.gguf").path
    }

    public static var gemma3Available: Bool { FileManager.default.fileExists(atPath: gemma3Path) }

    public static var missingGemma3Message: String {
        "Gemma 3 270M not found at \(gemma3Path); `truthkit models pull gemma3-270m` fetches it (or set TRUTHKIT_GEMMA3_MODEL)"
    }

    public static var modelAvailable: Bool { FileManager.default.fileExists(atPath: modelPath) }

    public static var missingModelMessage: String {
        "SmolLM2-135M-Instruct not found at \(modelPath); `truthkit models pull smollm2-135m-instruct` fetches it (or set TRUTHKIT_MODEL)"
    }
}
