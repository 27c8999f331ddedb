/// Turns generated token ids into text as they arrive, never splitting a character.
///
/// A state machine in the NIO style: `feed(_:)` takes one token and returns the text it completes.
/// A token can end in the middle of a multi-byte character (byte-level BPE splits emoji and CJK
/// across tokens; SentencePiece spells rare characters as `<0xXX>` byte tokens), so incomplete
/// trailing bytes are held until the character is complete. `finish()` flushes what is left,
/// with U+FFFD for a character that never completed. Bytes that can never form a character are
/// released at once as U+FFFD rather than held.
///
/// The concatenation of everything returned equals `String(decoding:)` of all the tokens' bytes —
/// no space is stripped, since a stream is usually a continuation of a prompt.
public struct StreamingDecoder: Sendable {
    private let tokenizer: Tokenizer
    private let skipSpecialTokens: Bool
    private var pending: [UInt8] = []

    /// Starts an empty stream for `tokenizer`.
    ///
    /// - Parameter skipSpecialTokens: drop control and unknown tokens instead of showing their text.
    public init(tokenizer: Tokenizer, skipSpecialTokens: Bool = false) {
        self.tokenizer = tokenizer
        self.skipSpecialTokens = skipSpecialTokens
    }

    /// Bytes received that do not yet form a complete character.
    public var pendingBytes: [UInt8] { pending }

    /// Adds one token and returns the newly completed text (often empty while a character is
    /// incomplete). Ids outside the vocabulary add nothing.
    public mutating func feed(_ id: Int32) -> String {
        guard tokenizer.isValid(id) else { return "" }
        if skipSpecialTokens && tokenizer.isSkippedWhenSkippingSpecials(id) { return "" }
        pending.append(contentsOf: tokenizer.tokenBytes(id))
        let complete = Self.completePrefixLength(pending)
        guard complete > 0 else { return "" }
        let text = String(decoding: pending[..<complete], as: UTF8.self)
        pending.removeFirst(complete)
        return text
    }

    /// Returns any held bytes (incomplete characters become U+FFFD) and resets the decoder.
    public mutating func finish() -> String {
        defer { pending.removeAll() }
        return pending.isEmpty ? "" : String(decoding: pending, as: UTF8.self)
    }

    /// Length of the longest prefix of `bytes` that can be decoded now: everything except a
    /// trailing sequence that is a valid but unfinished start of a character.
    static func completePrefixLength(_ bytes: [UInt8]) -> Int {
        let n = bytes.count
        // A character is at most 4 bytes, so only the last 3 can be an unfinished one.
        var start = n - 1
        while start >= max(0, n - 3) {
            let b = bytes[start]
            if b & 0xC0 != 0x80 {
                // `b` starts the last sequence (or is ASCII / invalid).
                let needed: Int
                switch b {
                case 0xC2...0xDF: needed = 2
                case 0xE0...0xEF: needed = 3
                case 0xF0...0xF4: needed = 4
                default: return n  // ASCII or a byte that never starts a character
                }
                let have = n - start
                guard have < needed else { return n }
                // Hold only if what we have is a valid beginning (checks the second byte's range).
                if have >= 2 && !Self.validSecondByte(lead: b, bytes[start + 1]) { return n }
                return start
            }
            start -= 1
        }
        return n
    }

    private static func validSecondByte(lead: UInt8, _ second: UInt8) -> Bool {
        switch lead {
        case 0xE0: (0xA0...0xBF).contains(second)
        case 0xED: (0x80...0x9F).contains(second)
        case 0xF0: (0x90...0xBF).contains(second)
        case 0xF4: (0x80...0x8F).contains(second)
        default: (0x80...0xBF).contains(second)
        }
    }
}
