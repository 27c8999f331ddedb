/// A model the registry knows by name: where its file comes from and what it must hash to.
public struct ModelEntry: Sendable, Equatable {
    /// The short name users type, e.g. `smollm2-135m-instruct`.
    public var name: String
    /// The file name in the cache's `models/` folder, e.g. `SmolLM2-135M-Instruct.Q4_1.gguf`.
    public var fileName: String
    public var source: ModelSource
    /// Lowercase hex SHA-256 of the model file; nil only for sources that cannot be pinned.
    public var sha256: String?
    /// The model file's length in bytes, checked on every resolve because it costs nothing.
    public var size: Int64?
    /// One line for listings.
    public var summary: String

    public init(name: String, fileName: String, source: ModelSource, sha256: String?, size: Int64?, summary: String) {
        self.name = name
        self.fileName = fileName
        self.source = source
        self.sha256 = sha256
        self.size = size
        self.summary = summary
    }
}
