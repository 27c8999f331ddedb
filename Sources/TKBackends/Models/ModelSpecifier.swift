import Foundation

/// What a model argument (`--model X`, `models pull X`) turned out to name.
public enum ModelSpecifier: Sendable, Equatable {
    /// An existing file on disk, used where it is.
    case path(URL)
    /// A file already in the cache, named by its path below `models/` (as `models list` prints).
    case cached(URL)
    /// A registry name.
    case registered(ModelEntry)
    /// An HTTP(S) address, downloaded into the cache.
    case url(URL)
    /// A Hugging Face `owner/repo/file.gguf`, downloaded into the cache.
    case huggingFace(HuggingFacePath)
}
