import Testing
import TKGGUF
@testable import TKTokenizer

/// Special, control and user-defined tokens: matching in input, BOS/EOS rules, end of generation.
struct SpecialTokenTests {
    private func chatTokenizer(keys: [String: GGUFValue] = [:]) throws -> Tokenizer {
        let extra: [(String, TokenType)] = [
            ("<|im_start|>", .control), ("<|im_end|>", .control), ("<|im_end|>x", .userDefined),
            ("<tool>", .userDefined), ("<|eot_id|>", .normal), ("<unused0>", .unused),
        ]
        return try Tokenizer(gguf: ToyVocabularies.bytePairFile(merges: ["u s", "us e", "use r"], extra: extra, keys: keys))
    }

    @Test func parseSpecialMatchesControlTokenTexts() throws {
        let t = try chatTokenizer()
        let ids = t.encode("<|im_start|>user\nhi<|im_end|>", parseSpecial: true)
        #expect(t.storedTexts(ids) == ["<|im_start|>", "user", "Ċ", "h", "i", "<|im_end|>"])
    }

    @Test func withoutParseSpecialControlTextIsPlainText() throws {
        let t = try chatTokenizer()
        let ids = t.encode("<|im_start|>user", parseSpecial: false)
        #expect(!ids.contains(try #require(t.tokenID(forText: "<|im_start|>"))))
        #expect(t.decode(ids) == "<|im_start|>user")
    }

    @Test func userDefinedTokensMatchEvenWithoutParseSpecial() throws {
        let t = try chatTokenizer()
        let tool = try #require(t.tokenID(forText: "<tool>"))
        #expect(t.encode("a<tool>b", parseSpecial: false).contains(tool))
        #expect(t.decode(t.encode("a<tool>b")) == "a<tool>b")
    }

    @Test func longerSpecialTextWins() throws {
        let t = try chatTokenizer()
        // "<|im_end|>x" (user-defined) is longer than "<|im_end|>" (control), so it is tried first.
        #expect(t.storedTexts(t.encode("<|im_end|>x<|im_end|>", parseSpecial: true)) == ["<|im_end|>x", "<|im_end|>"])
    }

    @Test func endOfTurnTokensAreFoundByText() throws {
        let t = try chatTokenizer()
        let eot = try #require(t.tokenID(forText: "<|eot_id|>"))
        let imEnd = try #require(t.tokenID(forText: "<|im_end|>"))
        #expect(t.eotID == imEnd)  // the lowest-id end-of-turn text; llama.cpp's choice is hash order
        #expect(t.isEndOfGeneration(eot))
        #expect(t.isEndOfGeneration(imEnd))
        #expect(t.isEndOfGeneration(11))  // byte-level BPE default EOS
        #expect(!t.isEndOfGeneration(try #require(t.tokenID(forText: "<tool>"))))
        // A normal-typed "<|eot_id|>" becomes control, so it is only matched with parseSpecial.
        #expect(t.encode("<|eot_id|>", parseSpecial: true) == [eot])
        #expect(t.encode("<|eot_id|>", parseSpecial: false) != [eot])
    }

    @Test func bosAndEOSFollowMetadata() throws {
        let plain = try chatTokenizer()
        #expect(!plain.addsBOS && !plain.addsEOS)
        #expect(plain.encode("a", addSpecial: true) == plain.encode("a", addSpecial: false))

        let both = try chatTokenizer(keys: [
            "tokenizer.ggml.add_bos_token": .bool(true), "tokenizer.ggml.add_eos_token": .bool(true),
            "tokenizer.ggml.bos_token_id": .uint32(256), "tokenizer.ggml.eos_token_id": .uint32(257),
        ])
        #expect(both.encode("a") == [256, 97, 257])
        #expect(both.encode("a", addSpecial: false) == [97])

        let llama3 = try Tokenizer(gguf: ToyVocabularies.bytePairFile(merges: ["a b"], pre: "llama-bpe"))
        #expect(llama3.addsBOS)  // llama.cpp's default for the Llama 3 pre-tokenizer
    }

    @Test func outOfRangeSpecialIDsInTheFileFallBackToDefaults() throws {
        let t = try chatTokenizer(keys: ["tokenizer.ggml.eos_token_id": .uint32(99_999)])
        #expect(t.eosID == 11)
    }

    @Test func skippingSpecialTokensDropsControlTokensOnly() throws {
        let t = try chatTokenizer()
        let ids = t.encode("<|im_start|>hi<tool><|im_end|>", parseSpecial: true)
        #expect(t.decode(ids) == "<|im_start|>hi<tool><|im_end|>")
        #expect(t.decode(ids, skipSpecialTokens: true) == "hi<tool>")
    }

    @Test(.enabled(if: TestResources.modelAvailable, TestResources.modelMissingMessage))
    func smolLMSpecialTokensMatchLlamaCpp() throws {
        let t = try #require(TestResources.smolLM)
        // Checked against llama.cpp (llama_vocab_is_eog / _is_control) for this file.
        #expect(t.endOfGenerationIDs == [0, 2, 4])  // <|endoftext|>, <|im_end|>, <reponame> (FIM repo)
        #expect((0..<17).allSatisfy { t.isSpecial(Int32($0)) })
        #expect(!t.isSpecial(17))
        #expect(t.bosID == 1 && t.eosID == 2 && t.eotID == 0)
        #expect(!t.addsBOS && !t.addsEOS)
        #expect(t.vocabularySize == 49152)
        #expect(t.preTokenizer == .smollm)
        #expect(t.chatTemplate?.contains("<|im_start|>") == true)
        #expect(t.tokenText(0) == "<|endoftext|>")
        #expect(t.tokenBytes(260) == Array(" the".utf8))
        #expect(t.encode("<|im_start|>user\nHi<|im_end|>\n", parseSpecial: true).prefix(1) == [1])
    }
}
