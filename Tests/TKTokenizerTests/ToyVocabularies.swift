import TKGGUF
@testable import TKTokenizer

/// Small hand-made vocabularies, written through `GGUFWriter` so the GGUF adapter is exercised too.
enum ToyVocabularies {
    /// GPT-2's character for each byte, as a byte-level BPE vocabulary stores it.
    static func byteChar(_ b: UInt8) -> String {
        String(Unicode.Scalar(ByteLevelMapping.scalar[Int(b)])!)
    }

    /// Encodes text the way byte-level BPE token texts are stored ("Ġthe" for " the").
    static func byteLevel(_ text: String) -> String {
        text.utf8.map(byteChar).joined()
    }

    /// A byte-level BPE file: the 256 byte tokens, then one token per merge result, then `extra`
    /// tokens with their types.
    static func bytePairFile(merges: [String], extra: [(String, TokenType)] = [], pre: String? = "gpt-2",
                             keys: [String: GGUFValue] = [:]) throws -> GGUFFile {
        var tokens = (0...255).map { byteChar(UInt8($0)) }
        var types = [TokenType](repeating: .normal, count: 256)
        for merge in merges {
            let joined = merge.replacingOccurrences(of: " ", with: "")
            if !tokens.contains(joined) {
                tokens.append(joined)
                types.append(.normal)
            }
        }
        for (text, type) in extra {
            tokens.append(text)
            types.append(type)
        }
        var writer = GGUFWriter()
        writer.set("general.architecture", .string("llama"))
        writer.set("tokenizer.ggml.model", .string("gpt2"))
        if let pre { writer.set("tokenizer.ggml.pre", .string(pre)) }
        writer.set("tokenizer.ggml.tokens", .array(.string, tokens.map { .string($0) }))
        writer.set("tokenizer.ggml.token_type", .array(.int32, types.map { .int32($0.rawValue) }))
        writer.set("tokenizer.ggml.merges", .array(.string, merges.map { .string($0) }))
        for (key, value) in keys { writer.set(key, value) }
        return try GGUFFile(bytes: writer.serialized())
    }

    /// A SentencePiece file in Llama 2's layout: <unk>, <s>, </s>, then `pieces` (text, score,
    /// type), then byte tokens `<0x00>`…`<0xFF>` when `byteTokens` is set.
    static func sentencePieceFile(pieces: [(String, Float, TokenType)], byteTokens: Bool = true,
                                  keys: [String: GGUFValue] = [:]) throws -> GGUFFile {
        var entries: [(String, Float, TokenType)] = [("<unk>", 0, .unknown), ("<s>", 0, .control), ("</s>", 0, .control)]
        entries += pieces
        if byteTokens {
            for b in 0...255 {
                let hex = String(b, radix: 16, uppercase: true)
                entries.append(("<0x" + (hex.count == 1 ? "0" + hex : hex) + ">", 0, .byte))
            }
        }
        var writer = GGUFWriter()
        writer.set("general.architecture", .string("llama"))
        writer.set("tokenizer.ggml.model", .string("llama"))
        writer.set("tokenizer.ggml.tokens", .array(.string, entries.map { .string($0.0) }))
        writer.set("tokenizer.ggml.scores", .array(.float32, entries.map { .float32($0.1) }))
        writer.set("tokenizer.ggml.token_type", .array(.int32, entries.map { .int32($0.2.rawValue) }))
        for (key, value) in keys { writer.set(key, value) }
        return try GGUFFile(bytes: writer.serialized())
    }
}

extension Tokenizer {
    /// The stored texts of `ids`, for readable expectations.
    func storedTexts(_ ids: [Int32]) -> [String] {
        ids.map(storedText)
    }
}
