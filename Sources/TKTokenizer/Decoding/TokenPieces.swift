/// The bytes each token decodes to, stored flat: token `id` is `bytes[starts[id]..<starts[id + 1]]`.
///
/// Computed once when the tokenizer is built, so decoding is a copy per token.
struct TokenPieces: Sendable {
    private let bytes: [UInt8]
    private let starts: [Int]

    init(_ pieces: [[UInt8]]) {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(pieces.reduce(0) { $0 + $1.count })
        var starts = [0]
        starts.reserveCapacity(pieces.count + 1)
        for piece in pieces {
            bytes.append(contentsOf: piece)
            starts.append(bytes.count)
        }
        self.bytes = bytes
        self.starts = starts
    }

    var count: Int { starts.count - 1 }

    /// The bytes of token `id`; the caller checks the range.
    subscript(id: Int) -> ArraySlice<UInt8> {
        bytes[starts[id]..<starts[id + 1]]
    }

    /// What a byte-level BPE token stands for: each character mapped back to its byte. A
    /// character outside GPT-2's byte alphabet (a hand-added token) is kept as its own UTF-8.
    static func byteLevelDecoded(_ text: String) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            if let b = ByteLevelMapping.byte(for: scalar.value) {
                out.append(b)
            } else {
                out.append(contentsOf: String(scalar).utf8)
            }
        }
        return out
    }

    /// What a SentencePiece token stands for: "▁" (E2 96 81) turned back into a space.
    static func sentencePieceDecoded(_ text: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(text.count)
        var i = 0
        while i < text.count {
            if i + 2 < text.count && text[i] == 0xE2 && text[i + 1] == 0x96 && text[i + 2] == 0x81 {
                out.append(0x20)
                i += 3
            } else {
                out.append(text[i])
                i += 1
            }
        }
        return out
    }

    /// The byte a `<0xXX>` token stands for, or nil if the text is not of that form.
    static func byteTokenValue(_ text: [UInt8]) -> UInt8? {
        guard text.count == 6, text[0] == 0x3C, text[1] == 0x30, text[2] == 0x78, text[5] == 0x3E else { return nil }
        func hex(_ c: UInt8) -> UInt8? {
            switch c {
            case 0x30...0x39: c - 0x30
            case 0x41...0x46: c - 0x41 + 10
            case 0x61...0x66: c - 0x61 + 10
            default: nil
            }
        }
        guard let high = hex(text[3]), let low = hex(text[4]) else { return nil }
        return high << 4 | low
    }
}
