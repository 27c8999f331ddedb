import Foundation

/// The pinned files of one data set: what `truthkit data pull` fetches and checks, and what the
/// loaders look for.
///
/// Every file is pinned to a commit (so its address never changes meaning) and to the SHA-256
/// listed in `../shared/data/README.md`, which the shared copies match.
public struct DataCatalog: Sendable, Equatable {
    /// The data set's name and folder under the data directory (`truthfulqa`).
    public var name: String
    public var files: [CatalogFile]

    public init(name: String, files: [CatalogFile]) {
        self.name = name
        self.files = files
    }

    /// Every catalog this build knows.
    public static let all: [DataCatalog] = [truthfulQA]

    /// The catalog called `name` (case-insensitive), or nil.
    public static func named(_ name: String) -> DataCatalog? {
        all.first { $0.name == name.lowercased() }
    }

    /// The file with this `id`.
    public func file(id: String) -> CatalogFile? {
        files.first { $0.id == id }
    }

    /// The file whose pinned SHA-256 is `sha256`.
    public func file(withSHA256 sha256: String) -> CatalogFile? {
        files.first { $0.sha256 == sha256.lowercased() }
    }

    /// The file `TruthfulQADataset.load(language:version:dataDirectory:)` reads: for English the
    /// Hugging Face MC file unless a version is given, for other languages the multilingual file.
    public func file(language: String, version: TruthfulQAVersion?) -> CatalogFile? {
        let wanted = version ?? (language == "en" ? .huggingFace : .multilingual)
        return files.first { $0.language == language && $0.version == wanted }
    }

    /// Each file's state in `dataDirectory`, hashing what is there (about 9 MB in all).
    public func installedFiles(in dataDirectory: URL) -> [InstalledFile] {
        files.map { file in
            let url = dataDirectory.appendingPathComponent(file.relativePath)
            guard let data = FileManager.default.contents(atPath: url.path) else {
                return InstalledFile(file: file, url: url, status: .missing, size: nil, sha256: nil)
            }
            let sha = DataFile.sha256([UInt8](data))
            return InstalledFile(
                file: file, url: url, status: sha == file.sha256 ? .installed : .modified,
                size: Int64(data.count), sha256: sha
            )
        }
    }

    /// The catalog with every `https://raw.githubusercontent.com/` address moved under `base`
    /// (`<base>/<owner>/<repo>/<commit>/<path>`), for a mirror or a local test server.
    public func mirrored(at base: URL) -> DataCatalog {
        let prefix = "https://raw.githubusercontent.com/"
        var root = base.absoluteString
        while root.hasSuffix("/") { root.removeLast() }
        var copy = self
        for index in copy.files.indices {
            copy.files[index].sources = copy.files[index].sources.map { source in
                CatalogSource(source.urls.map { url in
                    let text = url.absoluteString
                    guard text.hasPrefix(prefix) else { return url }
                    return URL(string: root + "/" + text.dropFirst(prefix.count)) ?? url
                })
            }
        }
        return copy
    }
}
