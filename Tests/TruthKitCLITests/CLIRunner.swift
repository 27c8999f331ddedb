import Foundation
import TKTesting

/// Runs the built `truthkit` executable as a user would: a real subprocess, with the shared data
/// and a private `TRUTHKIT_HOME`, capturing stdout and stderr.
///
/// `swift test` builds every product before testing, so the binary sits in the same build folder
/// as the test bundle (`.build/debug` or `.build/release`); `TRUTHKIT_BIN` overrides that.
final class CLIRunner {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String

        /// stdout parsed as a JSON object.
        func json() throws -> [String: Any] {
            guard let object = try JSONSerialization.jsonObject(with: Data(stdout.utf8)) as? [String: Any] else {
                throw CLIError("stdout is not a JSON object: \(stdout.prefix(300))")
            }
            return object
        }
    }

    struct CLIError: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    let binary: URL
    let home: URL

    /// The private home goes with the runner, so test runs leave nothing in the temporary folder.
    deinit { try? FileManager.default.removeItem(at: home) }

    init() throws {
        if let path = ProcessInfo.processInfo.environment["TRUTHKIT_BIN"], !path.isEmpty {
            binary = URL(fileURLWithPath: path)
        } else {
            // The test bundle lives in the build folder that also holds the executable.
            let candidates = [Bundle.main.bundleURL, Bundle.main.bundleURL.deletingLastPathComponent()]
                + ["debug", "release"].map { TestEnvironment.packageRoot.appendingPathComponent(".build/\($0)") }
            guard let found = candidates.map({ $0.appendingPathComponent("truthkit") })
                .first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
                throw CLIError("the truthkit executable was not found beside the tests (looked in \(candidates.map(\.path))); run `swift build` first or set TRUTHKIT_BIN")
            }
            binary = found
        }
        home = FileManager.default.temporaryDirectory.appendingPathComponent("truthkit-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
    }

    /// Runs `truthkit arguments…` to completion, with `extraEnvironment` added to this process's.
    func run(_ arguments: [String], extraEnvironment: [String: String] = [:]) throws -> Result {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["TRUTHKIT_HOME"] = home.path
        if environment["TRUTHKIT_DATA_DIR"]?.isEmpty ?? true {
            environment["TRUTHKIT_DATA_DIR"] = TestEnvironment.sharedDirectory.appendingPathComponent("data").path
        }
        environment.merge(extraEnvironment) { _, new in new }
        process.environment = environment
        // Files rather than pipes: a chatty stderr (progress bars) can never block the child.
        let out = home.appendingPathComponent("stdout-\(UUID().uuidString)"), err = home.appendingPathComponent("stderr-\(UUID().uuidString)")
        FileManager.default.createFile(atPath: out.path, contents: nil)
        FileManager.default.createFile(atPath: err.path, contents: nil)
        let outHandle = try FileHandle(forWritingTo: out), errHandle = try FileHandle(forWritingTo: err)
        process.standardOutput = outHandle
        process.standardError = errHandle
        try process.run()
        process.waitUntilExit()
        try outHandle.close()
        try errHandle.close()
        return Result(status: process.terminationStatus,
                      stdout: try String(contentsOf: out, encoding: .utf8),
                      stderr: try String(contentsOf: err, encoding: .utf8))
    }
}
