/// The kind of a vocabulary entry, as stored in `tokenizer.ggml.token_type`.
///
/// Raw values are llama.cpp's `llama_token_type` numbers.
public enum TokenType: Int32, Sendable, CaseIterable {
    /// No type recorded; treated as ordinary text.
    case undefined = 0
    /// Ordinary text.
    case normal = 1
    /// The unknown token (`<unk>`), emitted when nothing else can represent a byte.
    case unknown = 2
    /// Control tokens such as `<s>` or `<|im_end|>`; only matched in input with `parseSpecial`.
    case control = 3
    /// Added tokens that are always matched as a whole in input text, even without `parseSpecial`.
    case userDefined = 4
    /// Reserved slots never produced by training; still usable if the text matches.
    case unused = 5
    /// SentencePiece byte-fallback tokens `<0x00>` … `<0xFF>`.
    case byte = 6
}
