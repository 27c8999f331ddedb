import Testing
import TKGGUF
@testable import TKTokenizer

/// Byte-level BPE merge order and fallbacks on hand-made vocabularies.
struct BytePairEncoderTests {
    private func tokenizer(_ merges: [String], extra: [(String, TokenType)] = [], pre: String = "gpt-2") throws -> Tokenizer {
        try Tokenizer(gguf: ToyVocabularies.bytePairFile(merges: merges, extra: extra, pre: pre))
    }

    @Test func lowerRankMergesFirst() throws {
        let abFirst = try tokenizer(["a b", "b c"])
        #expect(abFirst.storedTexts(abFirst.encode("abc")) == ["ab", "c"])
        let bcFirst = try tokenizer(["b c", "a b"])
        #expect(bcFirst.storedTexts(bcFirst.encode("abc")) == ["a", "bc"])
    }

    @Test func equalPairsMergeLeftmostFirst() throws {
        let t = try tokenizer(["a a"])
        #expect(t.storedTexts(t.encode("aaa")) == ["aa", "a"])
        #expect(t.storedTexts(t.encode("aaaa")) == ["aa", "aa"])
    }

    @Test func mergesBuildOnEarlierMerges() throws {
        let t = try tokenizer(["Ġ t", "h e", "Ġt he", "Ġ a"])
        #expect(t.storedTexts(t.encode("the a the")) == ["t", "he", "Ġa", "Ġthe"])
    }

    @Test func wordsNeverMergeAcrossPreTokenizerPieces() throws {
        let t = try tokenizer(["a Ġ"])  // "a " would only form across a word boundary
        #expect(t.storedTexts(t.encode("a a")) == ["a", "Ġ", "a"])
    }

    @Test func mergeWhoseResultIsNoTokenFallsBackToByteTokens() throws {
        // "x y" merges into "xy", which is not in the vocabulary: llama.cpp spells it out again.
        let file = try ToyVocabularies.bytePairFile(merges: [])
        var vocabulary = try Vocabulary(gguf: file)
        vocabulary.merges = ["x y"]
        let t = try Tokenizer(vocabulary: vocabulary)
        #expect(t.storedTexts(t.encode("xy")) == ["x", "y"])
    }

    @Test func llama3EmitsWholeWordTokensWithoutMerging() throws {
        // "Ġcat" is a token but no merge builds it; Llama 3 skips merging for whole-word tokens.
        let extra: [(String, TokenType)] = [("Ġcat", .normal)]
        let llama3 = try tokenizer(["c a"], extra: extra, pre: "llama-bpe")
        #expect(llama3.storedTexts(llama3.encode("a cat", addSpecial: false)) == ["a", "Ġcat"])
        let gpt2 = try tokenizer(["c a"], extra: extra, pre: "gpt-2")
        #expect(gpt2.storedTexts(gpt2.encode("a cat")) == ["a", "Ġ", "ca", "t"])
    }

    @Test func everyByteSurvivesARoundTrip() throws {
        let t = try tokenizer(["Ġ Ġ", "e s"])
        let text = String(String.UnicodeScalarView((0x01...0x2FF).compactMap(Unicode.Scalar.init))) + " 😀 日本 \u{0}"
        #expect(t.decode(t.encode(text)) == text)
    }

    @Test func mergesWithoutSeparatorAreIgnored() throws {
        let t = try tokenizer(["ab", "a b"])
        #expect(t.storedTexts(t.encode("ab")) == ["ab"])
    }
}
