import Foundation

/// Files in a fresh temporary directory, for the tests that read from disk.
enum TemporaryFile {
    static func write(_ bytes: [UInt8], name: String = "model.gguf") throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tkgguf-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let url = dir.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url.path
    }

    static func remove(_ path: String) {
        try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent)
    }
}
