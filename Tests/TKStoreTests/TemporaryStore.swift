import Foundation
@testable import TKStore

/// A fresh folder per test, removed when the test ends, so no test sees another's database.
final class TemporaryFolder {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("tkstore-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(at: url)
    }

    /// A database path inside the folder (the file does not exist yet).
    var databasePath: String { url.appendingPathComponent("runs.sqlite").path }
}

/// A run key for tests; `variant` changes a hashed setting.
func sampleKey(variant: String = "a", modelName: String = "tiny") -> RunKey {
    RunKey(
        modelName: modelName, modelFingerprint: "sha256:0123", task: "truthfulqa_mc", taskVersion: "1",
        dataChecksum: "sha256:data", settings: ["preset": "qa", "variant": variant]
    )
}

/// An item payload like the evaluator's: small JSON with the item index in it.
func samplePayload(_ item: Int) -> Data {
    Data(#"{"item":\#(item),"mc1":\#(item % 2),"mc2":0.\#(item % 10)}"#.utf8)
}
