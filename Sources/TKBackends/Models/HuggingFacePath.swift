import Foundation

/// A file in a Hugging Face model repository, written `owner/repo/file.gguf`.
///
/// The file part may contain folders (`owner/repo/q4/model.gguf`). Files are fetched from the
/// `main` revision through `<endpoint>/<owner>/<repo>/resolve/main/<file>`, the same address
/// `huggingface_hub` uses, so the `HF_ENDPOINT` mirror setting users already have works here too.
public struct HuggingFacePath: Sendable, Equatable, CustomStringConvertible {
    /// The default endpoint when `HF_ENDPOINT` is not set.
    public static let defaultEndpoint = URL(string: "https://huggingface.co")!

    public var owner: String
    public var repository: String
    /// The path of the file inside the repository.
    public var file: String
    public var revision: String

    public init(owner: String, repository: String, file: String, revision: String = "main") {
        self.owner = owner
        self.repository = repository
        self.file = file
        self.revision = revision
    }

    /// Reads `owner/repo/file.gguf`; nil when `text` does not have that shape (fewer than three
    /// parts, an empty part, a leading `/` or `.`, or a file that does not end in `.gguf`).
    public init?(parsing text: String) {
        guard !text.hasPrefix("/"), !text.hasPrefix("."), !text.hasPrefix("~"),
              text.lowercased().hasSuffix(".gguf"), !text.contains("://") else { return nil }
        let parts = text.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.count >= 3, parts.allSatisfy({ !$0.isEmpty && $0 != "." && $0 != ".." }) else { return nil }
        self.init(owner: parts[0], repository: parts[1], file: parts[2...].joined(separator: "/"))
    }

    public var description: String { "\(owner)/\(repository)/\(file)" }

    /// The download address under `endpoint` (the value of `HF_ENDPOINT`, or huggingface.co).
    public func downloadURL(endpoint: URL = HuggingFacePath.defaultEndpoint) -> URL {
        var url = endpoint
        for component in [owner, repository, "resolve", revision] + file.split(separator: "/").map(String.init) {
            url.appendPathComponent(component)
        }
        return url
    }

    /// The endpoint named by `HF_ENDPOINT` in `environment`, or huggingface.co.
    public static func endpoint(in environment: [String: String]) -> URL {
        guard let text = environment["HF_ENDPOINT"]?.trimmingCharacters(in: .whitespaces), !text.isEmpty,
              let url = URL(string: text.hasSuffix("/") ? String(text.dropLast()) : text) else {
            return defaultEndpoint
        }
        return url
    }
}
