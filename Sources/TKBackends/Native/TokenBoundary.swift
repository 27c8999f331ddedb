import TKTokenizer

/// Finds where a continuation's tokens start when `context + continuation` is tokenized as one string.
///
/// The boundary is found by character (UTF-8 byte) offset, never by tokenizing the context alone
/// and counting: the first continuation token is the one containing the first byte of the
/// continuation (a token straddling the join counts as continuation, since it carries
/// continuation text). Added BOS tokens hold no text.
enum TokenBoundary {
    /// Index into `tokens` of the first token whose bytes reach past `contextBytes` bytes of text.
    static func firstContinuationToken(tokens: [Int32], contextBytes: Int, textBytes: Int, tokenizer: Tokenizer, addedBOS: Bool) -> Int {
        var offset = 0
        var ends: [Int] = []
        ends.reserveCapacity(tokens.count)
        for (i, id) in tokens.enumerated() {
            if i == 0 && addedBOS { ends.append(0); continue }
            offset += tokenizer.tokenBytes(id).count
            ends.append(offset)
        }
        // SentencePiece adds one leading space ("▁") that is not in the text; shift by the excess.
        let excess = max(0, offset - textBytes)
        for (i, end) in ends.enumerated() where end - excess > contextBytes {
            return i
        }
        return tokens.count
    }
}
