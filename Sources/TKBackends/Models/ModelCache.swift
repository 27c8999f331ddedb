import Foundation
import TKEvalCore

/// The folder where pulled models live: `$TRUTHKIT_HOME`, by default `~/.cache/truthkit`.
///
/// Layout, relative to the root:
/// - `models/<file>.gguf` for registry models (the name in their entry),
/// - `models/hf/<owner>/<repo>/<file>.gguf` for Hugging Face downloads,
/// - `models/url/<host>/<file>.gguf` for other URLs,
/// - `<any of those>.partial` while a download is unfinished,
/// - `tmp/` for work folders (pip downloads), on the same file system as `models/` so the final
///   rename is atomic.
///
/// Keeping the source in the path means two repositories that both ship `model.gguf` never
/// overwrite each other.
public struct ModelCache: Sendable {
    public let root: URL

    /// A cache rooted at `root`.
    public init(root: URL) {
        self.root = root.standardizedFileURL
    }

    /// The cache named by `TRUTHKIT_HOME` in `environment`, or `~/.cache/truthkit`.
    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.init(root: Self.defaultRoot(environment: environment))
    }

    /// `$TRUTHKIT_HOME` (a leading `~` expanded), else `$HOME/.cache/truthkit` (see `TruthKitPaths`).
    public static func defaultRoot(environment: [String: String]) -> URL {
        TruthKitPaths.root(environment: environment)
    }

    public var modelsDirectory: URL { root.appendingPathComponent("models", isDirectory: true) }

    /// Scratch space for pulls, removed piece by piece as each pull ends.
    public var temporaryDirectory: URL { root.appendingPathComponent("tmp", isDirectory: true) }

    /// Where a registry model's file lives.
    public func fileURL(for entry: ModelEntry) -> URL {
        modelsDirectory.appendingPathComponent(entry.fileName, isDirectory: false)
    }

    /// Where a Hugging Face file lives.
    public func fileURL(for path: HuggingFacePath) -> URL {
        var url = modelsDirectory.appendingPathComponent("hf", isDirectory: true)
            .appendingPathComponent(Self.safeComponent(path.owner), isDirectory: true)
            .appendingPathComponent(Self.safeComponent(path.repository), isDirectory: true)
        for part in path.file.split(separator: "/") {
            url.appendPathComponent(Self.safeComponent(String(part)))
        }
        return url
    }

    /// Where a file downloaded from an arbitrary URL lives: `url/<host>[_<port>]/<last path part>`.
    public func fileURL(forDownloadFrom url: URL) -> URL {
        var host = url.host ?? "unknown-host"
        if let port = url.port { host += "_\(port)" }
        let name = url.lastPathComponent.isEmpty || url.lastPathComponent == "/" ? "download.gguf" : url.lastPathComponent
        return modelsDirectory.appendingPathComponent("url", isDirectory: true)
            .appendingPathComponent(Self.safeComponent(host), isDirectory: true)
            .appendingPathComponent(Self.safeComponent(name), isDirectory: false)
    }

    /// The cached file at `relativePath` below `models/`, when it exists (and does not climb out
    /// of the cache with `..`).
    public func existingFile(relativePath: String) -> URL? {
        guard !relativePath.isEmpty, !relativePath.hasPrefix("/"),
              !relativePath.split(separator: "/").contains("..") else { return nil }
        let url = modelsDirectory.appendingPathComponent(relativePath, isDirectory: false)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), !isDirectory.boolValue else {
            return nil
        }
        return url
    }

    /// Every `.gguf` file (and unfinished `.gguf.partial`) below `models/`, sorted by path.
    /// An absent cache lists as empty.
    public func list() throws -> [CachedModel] {
        let manager = FileManager.default
        let base = modelsDirectory.standardizedFileURL
        guard manager.fileExists(atPath: base.path) else { return [] }
        guard let enumerator = manager.enumerator(
            at: base, includingPropertiesForKeys: [.fileSizeKey, .isRegularFileKey], options: [.skipsHiddenFiles]
        ) else {
            throw ModelError(.fileSystem, "Cannot read the model cache at \(base.path); check its permissions.", path: base.path)
        }
        var found: [CachedModel] = []
        let prefix = base.path.hasSuffix("/") ? base.path : base.path + "/"
        for case let url as URL in enumerator {
            let lower = url.lastPathComponent.lowercased()
            let partial = lower.hasSuffix(".gguf.partial")
            guard partial || lower.hasSuffix(".gguf") else { continue }
            // A symbolic link (as in a Hugging Face hub cache) is listed with its target's size.
            let target = Self.symbolicLinkTarget(url) == nil ? url : url.resolvingSymlinksInPath()
            let values = try? target.resourceValues(forKeys: [.fileSizeKey, .isRegularFileKey])
            guard values?.isRegularFile == true else { continue }
            let path = url.standardizedFileURL.path
            let relative = path.hasPrefix(prefix) ? String(path.dropFirst(prefix.count)) : url.lastPathComponent
            found.append(CachedModel(relativePath: relative, url: url, size: Int64(values?.fileSize ?? 0), isPartial: partial))
        }
        return found.sorted { $0.relativePath < $1.relativePath }
    }

    /// Creates `models/` and `tmp/` when missing.
    func createDirectories() throws {
        do {
            try FileManager.default.createDirectory(at: modelsDirectory, withIntermediateDirectories: true)
            try FileManager.default.createDirectory(at: temporaryDirectory, withIntermediateDirectories: true)
        } catch {
            throw ModelError(
                .fileSystem,
                "Cannot create the model cache at \(root.path): \(error.localizedDescription). "
                    + "Set TRUTHKIT_HOME to a writable folder.",
                path: root.path, cause: error
            )
        }
    }

    /// The text of the symbolic link at `url`, or nil when `url` is not a link (the final
    /// component only; links in the folders above it are not the cache's concern).
    public static func symbolicLinkTarget(_ url: URL) -> String? {
        try? FileManager.default.destinationOfSymbolicLink(atPath: url.path)
    }

    /// A path component with no `/` and no leading dot, so names from URLs cannot escape the cache.
    private static func safeComponent(_ text: String) -> String {
        var cleaned = text.replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: ":", with: "_")
        while cleaned.hasPrefix(".") { cleaned.removeFirst() }
        return cleaned.isEmpty ? "_" : cleaned
    }
}
