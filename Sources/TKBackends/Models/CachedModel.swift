import Foundation

/// One model file found in the cache.
public struct CachedModel: Sendable, Equatable {
    /// The path below the cache's `models/` folder, e.g. `SmolLM2-135M-Instruct.Q4_1.gguf` or
    /// `hf/owner/repo/model.gguf`; accepted wherever a model is asked for.
    public var relativePath: String
    public var url: URL
    /// Length in bytes.
    public var size: Int64
    /// True for an interrupted download (`….gguf.partial`) that the next pull will resume.
    public var isPartial: Bool

    public init(relativePath: String, url: URL, size: Int64, isPartial: Bool) {
        self.relativePath = relativePath
        self.url = url
        self.size = size
        self.isPartial = isPartial
    }
}
