/// Everything a tokenizer is built from: the token list and how text is segmented into it.
///
/// A plain value, so tests and tools can build a `Tokenizer` without a file; `init(gguf:)` reads
/// one from a model's `tokenizer.*` metadata, applying llama.cpp's defaults for missing keys.
public struct Vocabulary: Sendable {
    /// The segmentation algorithm (`tokenizer.ggml.model`).
    public var model: TokenizerModel
    /// Token texts; the index is the id. Byte-level BPE texts are in the GPT-2 byte encoding
    /// ("Ġthe"); SentencePiece texts use "▁" for a space.
    public var tokens: [String]
    /// Merge priority of each token (SentencePiece: higher merges first); empty means all zero.
    public var scores: [Float]
    /// Kind of each token; empty means all normal.
    public var tokenTypes: [TokenType]
    /// Byte-level BPE merges as "left right", highest priority first; unused by SentencePiece.
    public var merges: [String]
    /// How byte-level BPE splits text into words; unused by SentencePiece.
    public var preTokenizer: PreTokenizer
    /// Ids of BOS, EOS, unknown and the other special roles.
    public var specialIDs: SpecialTokenIDs
    /// Whether `encode(_:addSpecial: true)` starts with BOS.
    public var addBOS: Bool
    /// Whether `encode(_:addSpecial: true)` ends with EOS.
    public var addEOS: Bool
    /// SentencePiece: whether a space is put before text at the start and after each special token,
    /// as the original SentencePiece normaliser does.
    public var addSpacePrefix: Bool
    /// `tokenizer.chat_template`, a Jinja template.
    public var chatTemplate: String?

    /// Creates a vocabulary value; only the model and tokens are required.
    ///
    /// - Parameters:
    ///   - addBOS: nil applies llama.cpp's default: true for SentencePiece and the Llama 3
    ///     pre-tokenizer, false otherwise.
    ///   - addSpacePrefix: nil applies the default: true for SentencePiece, false for byte-level BPE.
    public init(model: TokenizerModel, tokens: [String], scores: [Float] = [], tokenTypes: [TokenType] = [],
                merges: [String] = [], preTokenizer: PreTokenizer = .default,
                specialIDs: SpecialTokenIDs = SpecialTokenIDs(), addBOS: Bool? = nil, addEOS: Bool = false,
                addSpacePrefix: Bool? = nil, chatTemplate: String? = nil) {
        self.model = model
        self.tokens = tokens
        self.scores = scores
        self.tokenTypes = tokenTypes
        self.merges = merges
        self.preTokenizer = preTokenizer
        self.specialIDs = specialIDs
        self.addBOS = addBOS ?? (model == .sentencePiece || preTokenizer.addsBOSByDefault)
        self.addEOS = addEOS
        self.addSpacePrefix = addSpacePrefix ?? (model == .sentencePiece)
        self.chatTemplate = chatTemplate
    }
}
