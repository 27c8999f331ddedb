import Testing
import TKGGUF
@testable import TKTokenizer

/// SentencePiece-style BPE on hand-made Llama-2-layout vocabularies.
struct SentencePieceEncoderTests {
    private static let pieces: [(String, Float, TokenType)] = [
        ("▁", -1, .normal), ("a", -2, .normal), ("b", -2, .normal), ("c", -2, .normal), ("ab", -3, .normal),
        ("bc", -1.5, .normal), ("▁a", -1.2, .normal),
    ]

    private func tokenizer(byteTokens: Bool = true, keys: [String: GGUFValue] = [:]) throws -> Tokenizer {
        try Tokenizer(gguf: ToyVocabularies.sentencePieceFile(pieces: Self.pieces, byteTokens: byteTokens, keys: keys))
    }

    @Test func defaultsFollowLlamaCpp() throws {
        let t = try tokenizer()
        #expect(t.model == .sentencePiece)
        #expect(t.bosID == 1)
        #expect(t.eosID == 2)
        #expect(t.specialTokenIDs.unknown == 0)
        #expect(t.addsBOS)
        #expect(!t.addsEOS)
        #expect(t.encode("", addSpecial: true) == [1])
        #expect(t.encode("", addSpecial: false) == [])
    }

    @Test func highestScoringPairMergesFirst() throws {
        let t = try tokenizer()
        // "▁a" (-1.2) merges before "ab" (-3) could; then "bc" (-1.5).
        #expect(t.storedTexts(t.encode("abc", addSpecial: false)) == ["▁a", "bc"])
        // Without the prefix, "bc" (-1.5) beats "ab" (-3).
        let noPrefix = try tokenizer(keys: ["tokenizer.ggml.add_space_prefix": .bool(false)])
        #expect(noPrefix.storedTexts(noPrefix.encode("abc", addSpecial: false)) == ["a", "bc"])
    }

    @Test func equalScoresMergeLeftmostFirst() throws {
        let t = try Tokenizer(gguf: ToyVocabularies.sentencePieceFile(
            pieces: [("a", -2, .normal), ("aa", -1, .normal)], keys: ["tokenizer.ggml.add_space_prefix": .bool(false)]))
        #expect(t.storedTexts(t.encode("aaa", addSpecial: false)) == ["aa", "a"])
        #expect(t.storedTexts(t.encode("aaaaa", addSpecial: false)) == ["aa", "aa", "a"])
    }

    @Test func spacesBecomeMetaSpaceWithPrefix() throws {
        let t = try tokenizer()
        #expect(t.storedTexts(t.encode("a a", addSpecial: false)) == ["▁a", "▁a"])
        let noPrefix = try tokenizer(keys: ["tokenizer.ggml.add_space_prefix": .bool(false)])
        #expect(noPrefix.storedTexts(noPrefix.encode("a a", addSpecial: false)) == ["a", "▁a"])
    }

    @Test func unknownCharactersFallBackToByteTokens() throws {
        let t = try tokenizer()
        #expect(t.storedTexts(t.encode("é", addSpecial: false)) == ["▁", "<0xC3>", "<0xA9>"])
        #expect(t.decode(t.encode("é", addSpecial: false)) == "é")
        #expect(t.decode(t.encode("aé😀c", addSpecial: false)) == "aé😀c")
    }

    @Test func withoutByteTokensUnknownCharactersBecomeUnk() throws {
        let t = try tokenizer(byteTokens: false)
        #expect(t.storedTexts(t.encode("é", addSpecial: false)) == ["▁", "<unk>", "<unk>"])
    }

    @Test func decodeRemovesOnlyTheInsertedSpace() throws {
        let t = try tokenizer()
        for text in ["abc", " abc", "  a", "a ", "", " "] {
            #expect(t.decode(t.encode(text, addSpecial: false)) == text)
            #expect(t.decode(t.encode(text), skipSpecialTokens: true) == text)
        }
        #expect(t.decode(t.encode("abc")) == "<s>abc")
    }

    @Test func byteTokensDecodeToTheirByte() throws {
        let t = try tokenizer()
        let id = try #require(t.tokenID(forText: "<0x41>"))
        #expect(t.tokenBytes(id) == [0x41])
        #expect(t.tokenText(try #require(t.tokenID(forText: "▁a"))) == " a")
    }
}
