import TKGGUF

extension Tokenizer {
    /// Builds the tokenizer a GGUF model file describes in its `tokenizer.*` metadata.
    ///
    /// - Throws: `TokenizerError` when the file has no usable vocabulary; see
    ///   `Vocabulary.init(gguf:)`.
    public convenience init(gguf: GGUFFile) throws {
        try self.init(vocabulary: Vocabulary(gguf: gguf))
    }
}
