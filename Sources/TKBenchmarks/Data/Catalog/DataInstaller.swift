import Foundation

/// Puts catalog files into a data directory, verified: downloaded from their pinned addresses
/// (`truthkit data pull`) or copied from a folder that already has them (`--from DIR`).
///
/// The HTTP part is injected as `fetch`, because this module must not depend on the backends:
/// the CLI passes a closure around `TKBackends.Downloader` (resumable, with retries). Sources are
/// fetched into `<data dir>/.staging/<id>/`, converted, and hashed; only bytes with the pinned
/// SHA-256 are written, atomically, to the final path, so a file the loaders find is always a
/// verified one. A failed check deletes the staged sources, so the next run fetches afresh.
public struct DataInstaller: Sendable {
    /// Downloads `url` to the file `destination` (creating its folder), or throws.
    public typealias Fetch = @Sendable (_ url: URL, _ destination: URL) async throws -> Void

    public var dataDirectory: URL
    public var fetch: Fetch

    public init(dataDirectory: URL, fetch: @escaping Fetch) {
        self.dataDirectory = dataDirectory
        self.fetch = fetch
    }

    /// Where `file` is installed.
    public func destination(of file: CatalogFile) -> URL {
        dataDirectory.appendingPathComponent(file.relativePath)
    }

    /// Downloads, converts and verifies `file`, unless it is already installed and `force` is off.
    ///
    /// Each source's addresses are tried in order until one downloads. A file that is present but
    /// differs from the pinned one (`InstalledFile.Status.modified`) is replaced.
    ///
    /// - Throws: `DatasetError` `downloadFailed` (every address failed; the causes are listed),
    ///   `checksumMismatch` (nothing is installed), `malformedJSON`/`missingField` (a source is
    ///   not what the conversion expects), `fileSystem`.
    public func pull(_ file: CatalogFile, force: Bool = false) async throws -> DataInstallResult {
        let target = destination(of: file)
        if !force, isInstalled(file, at: target) {
            return DataInstallResult(file: file, url: target, outcome: .alreadyInstalled, from: [])
        }
        let staging = dataDirectory.appendingPathComponent(".staging").appendingPathComponent(file.id)
        var inputs: [(bytes: [UInt8], name: String)] = []
        var used: [String] = []
        for (number, source) in file.sources.enumerated() {
            let staged = staging.appendingPathComponent("\(number)-\(source.urls.first?.lastPathComponent ?? "source")")
            var failures: [String] = []
            var fetched: URL?
            for url in source.urls {
                try Task.checkCancellation()
                do {
                    try await fetch(url, staged)
                    fetched = url
                    break
                } catch is CancellationError {
                    throw CancellationError()
                } catch {
                    failures.append("\(url.absoluteString): \(error)")
                }
            }
            guard let fetched else {
                throw DatasetError(
                    .downloadFailed, file: file.relativePath,
                    "could not be downloaded from any of its addresses:\n  " + failures.joined(separator: "\n  ")
                        + "\nCheck the network and run the command again, or copy the files from a machine that "
                        + "has them and use `truthkit data pull \(file.relativePath.split(separator: "/").first ?? "truthfulqa") --from DIR`."
                )
            }
            let bytes: [UInt8]
            do {
                bytes = try DataFile.read(staged)
            } catch let error as DatasetError {
                throw DatasetError(.fileSystem, file: staged.path, error.message)
            }
            inputs.append((bytes, fetched.absoluteString))
            used.append(fetched.absoluteString)
        }
        let output: [UInt8]
        do {
            output = try file.conversion.convert(inputs)
        } catch {
            removeStaging(staging)
            throw error
        }
        let sha = DataFile.sha256(output)
        guard sha == file.sha256 else {
            removeStaging(staging)
            let converted = file.conversion == .none ? "" : " after conversion (\(file.conversion.rawValue))"
            throw DatasetError(
                .checksumMismatch, file: file.relativePath,
                "the download from \(used.joined(separator: ", ")) has SHA-256 \(sha)\(converted), but the catalog pins "
                    + "\(file.sha256). Nothing was installed. Run the command again; if it repeats, the file served there "
                    + "is not the pinned one, so import a verified copy with `--from DIR`."
            )
        }
        try write(output, to: target)
        removeStaging(staging)
        return DataInstallResult(file: file, url: target, outcome: .downloaded, from: used)
    }

    /// Copies `file` from `directory` after checking its SHA-256, unless it is already installed
    /// and `force` is off.
    ///
    /// The file is looked for at `<directory>/<relative path>` (a data directory such as
    /// `../shared/data`) and then at `<directory>/<file name>` (a flat folder such as
    /// `../shared/data/truthfulqa`).
    ///
    /// - Throws: `DatasetError` `fileNotFound` (neither place has it), `checksumMismatch` (it is
    ///   not the pinned file; nothing is copied), `fileSystem`.
    public func importFile(_ file: CatalogFile, from directory: URL, force: Bool = false) throws -> DataInstallResult {
        let target = destination(of: file)
        let candidates = [
            directory.appendingPathComponent(file.relativePath), directory.appendingPathComponent(file.fileName),
        ]
        guard let found = candidates.first(where: { FileManager.default.fileExists(atPath: $0.path) }) else {
            throw DatasetError(
                .fileNotFound, file: file.relativePath,
                "not found in \(directory.path) (looked for \(candidates.map(\.path).joined(separator: " and "))). "
                    + "Give the folder that holds \(file.relativePath) or \(file.fileName)."
            )
        }
        if found.standardizedFileURL.resolvingSymlinksInPath() == target.standardizedFileURL.resolvingSymlinksInPath(),
           isInstalled(file, at: target) {
            return DataInstallResult(file: file, url: target, outcome: .alreadyInstalled, from: [])
        }
        let bytes = try DataFile.read(found)
        let sha = DataFile.sha256(bytes)
        guard sha == file.sha256 else {
            throw DatasetError(
                .checksumMismatch, file: found.path,
                "has SHA-256 \(sha), but the catalog pins \(file.sha256) for \(file.relativePath) (\(file.origin)). "
                    + "It is not the pinned file (edited, or another release), so it was not imported. Use an "
                    + "unmodified copy, or load this file directly by its path."
            )
        }
        if !force, isInstalled(file, at: target) {
            return DataInstallResult(file: file, url: target, outcome: .alreadyInstalled, from: [])
        }
        try write(bytes, to: target)
        return DataInstallResult(file: file, url: target, outcome: .imported, from: [found.path])
    }

    private func isInstalled(_ file: CatalogFile, at url: URL) -> Bool {
        guard let data = FileManager.default.contents(atPath: url.path), Int64(data.count) == file.size else { return false }
        return DataFile.sha256([UInt8](data)) == file.sha256
    }

    /// Writes `bytes` through a temporary file and a rename, so readers never see half a file.
    private func write(_ bytes: [UInt8], to url: URL) throws {
        do {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(bytes).write(to: url, options: .atomic)
        } catch {
            throw DatasetError(
                .fileSystem, file: url.path,
                "cannot be written (\(error.localizedDescription)). Make the folder writable, or choose another "
                    + "data directory with TRUTHKIT_DATA_DIR."
            )
        }
    }

    /// Deletes one file's staged sources, and `.staging` itself once nothing else is in it.
    private func removeStaging(_ staging: URL) {
        try? FileManager.default.removeItem(at: staging)
        let parent = staging.deletingLastPathComponent()
        if let contents = try? FileManager.default.contentsOfDirectory(atPath: parent.path), contents.isEmpty {
            try? FileManager.default.removeItem(at: parent)
        }
    }
}
