import Foundation

/// Runs helper programs (python3, pip) as real subprocesses and waits for them without
/// blocking a thread.
enum ProcessRunner {
    /// How a child's output is handled.
    enum Output {
        /// Both streams go to `file`, read back afterwards for error messages. A file rather than
        /// a pipe, so a chatty child can never fill a pipe buffer and stall.
        case capture(URL)
        /// Both streams go to this process's stderr, so the user sees the child's own progress
        /// while stdout stays clean for results.
        case passthrough
    }

    struct Result {
        var status: Int32
        /// The captured output (empty for `.passthrough`).
        var output: String

        /// The last `limit` characters of the output, for error messages.
        func tail(_ limit: Int = 1500) -> String {
            let trimmed = output.trimmingCharacters(in: .whitespacesAndNewlines)
            return trimmed.count > limit ? "…" + String(trimmed.suffix(limit)) : trimmed
        }
    }

    /// The first executable called `name` on `PATH`, or `name` itself when it is a path.
    static func locate(_ name: String, environment: [String: String]) -> URL? {
        let manager = FileManager.default
        if name.contains("/") {
            return manager.isExecutableFile(atPath: name) ? URL(fileURLWithPath: name) : nil
        }
        let path = environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for folder in path.split(separator: ":") where !folder.isEmpty {
            let candidate = URL(fileURLWithPath: String(folder)).appendingPathComponent(name)
            if manager.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        return nil
    }

    /// Runs `executable` with `arguments` and returns its exit status (and output when captured).
    /// Cancelling the calling task terminates the child.
    static func run(
        _ executable: URL, _ arguments: [String], environment: [String: String], output: Output
    ) async throws -> Result {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.environment = environment
        process.standardInput = FileHandle.nullDevice
        var captureHandle: FileHandle?
        switch output {
        case .capture(let file):
            _ = FileManager.default.createFile(atPath: file.path, contents: nil)
            let handle = try FileHandle(forWritingTo: file)
            process.standardOutput = handle
            process.standardError = handle
            captureHandle = handle
        case .passthrough:
            process.standardOutput = FileHandle.standardError
            process.standardError = FileHandle.standardError
        }
        let status: Int32 = try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Int32, any Error>) in
                process.terminationHandler = { finished in
                    continuation.resume(returning: finished.terminationStatus)
                }
                do {
                    try process.run()
                } catch {
                    process.terminationHandler = nil
                    continuation.resume(throwing: error)
                }
            }
        } onCancel: {
            if process.isRunning { process.terminate() }
        }
        try? captureHandle?.close()
        try Task.checkCancellation()
        var text = ""
        if case .capture(let file) = output, let data = FileManager.default.contents(atPath: file.path) {
            text = String(decoding: data, as: UTF8.self)
        }
        return Result(status: status, output: text)
    }
}
