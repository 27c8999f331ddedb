/// Why a tokenizer could not be built, or why token ids were rejected.
///
/// Modelled on `GGUFError`: a stable `code` to match on, and a message that names the offending
/// value and says what to do about it.
public struct TokenizerError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The kinds of tokenizer failure.
    public enum Code: String, Sendable, Equatable {
        /// The file has no token list (`tokenizer.ggml.tokens`) or no `tokenizer.ggml.model`.
        case missingVocabulary
        /// `tokenizer.ggml.model` names an algorithm this build does not implement.
        case unknownModel
        /// A byte-level BPE vocabulary came without `tokenizer.ggml.merges`.
        case missingMerges
        /// `tokenizer.ggml.pre` names a pre-tokenizer this build does not implement.
        case unknownPreTokenizer
        /// A tokenizer key holds the wrong type or a count that does not match the token list.
        case malformedMetadata
        /// A token id is negative or not below the vocabulary size.
        case tokenIDOutOfRange
    }

    /// What kind of problem this is; stable across releases, unlike the message.
    public var code: Code
    /// What went wrong, naming the offending key or value, and what to do about it.
    public var message: String

    /// Creates an error; `message` should say what to do, not only what failed.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// The message, which already names the key or value involved.
    public var description: String { message }
}
