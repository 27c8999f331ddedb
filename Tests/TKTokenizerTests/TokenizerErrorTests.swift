import Testing
import TKGGUF
@testable import TKTokenizer

/// Every `TokenizerError` code, and that its message says what to do.
struct TokenizerErrorTests {
    private func file(_ keys: [String: GGUFValue]) throws -> GGUFFile {
        var writer = GGUFWriter()
        writer.set("general.architecture", .string("llama"))
        for (key, value) in keys.sorted(by: { $0.key < $1.key }) { writer.set(key, value) }
        return try GGUFFile(bytes: writer.serialized())
    }

    private func error(_ body: () throws -> Void) -> TokenizerError? {
        do {
            try body()
            return nil
        } catch let e as TokenizerError {
            return e
        } catch {
            return nil
        }
    }

    private let tokens: GGUFValue = .array(.string, ["a", "b", "ab"].map { .string($0) })

    @Test func unknownModelListsSupportedOnes() throws {
        let f = try file(["tokenizer.ggml.model": .string("bert"), "tokenizer.ggml.tokens": tokens])
        let e = try #require(error { _ = try Tokenizer(gguf: f) })
        #expect(e.code == .unknownModel)
        #expect(e.message.contains("'bert'") && e.message.contains("'gpt2'") && e.message.contains("'llama'"))
    }

    @Test func bytePairWithoutMergesIsRejected() throws {
        let f = try file(["tokenizer.ggml.model": .string("gpt2"), "tokenizer.ggml.tokens": tokens])
        let e = try #require(error { _ = try Tokenizer(gguf: f) })
        #expect(e.code == .missingMerges)
        #expect(e.message.contains("a tokenizer without merges"))
    }

    @Test func unknownPreTokenizerListsSupportedOnes() throws {
        let f = try file([
            "tokenizer.ggml.model": .string("gpt2"), "tokenizer.ggml.tokens": tokens,
            "tokenizer.ggml.merges": .array(.string, [.string("a b")]), "tokenizer.ggml.pre": .string("mystery"),
        ])
        let e = try #require(error { _ = try Tokenizer(gguf: f) })
        #expect(e.code == .unknownPreTokenizer)
        #expect(e.message.contains("'mystery'"))
        for name in ["smollm", "llama-bpe", "qwen2", "gpt-2", "default"] { #expect(e.message.contains(name)) }
    }

    @Test func missingVocabularyIsRejected() throws {
        let noModel = try file(["tokenizer.ggml.tokens": tokens])
        #expect(error { _ = try Tokenizer(gguf: noModel) }?.code == .missingVocabulary)
        let noTokens = try file(["tokenizer.ggml.model": .string("llama")])
        #expect(error { _ = try Tokenizer(gguf: noTokens) }?.code == .missingVocabulary)
    }

    @Test func mistypedKeysAreRejected() throws {
        let f = try file([
            "tokenizer.ggml.model": .string("llama"), "tokenizer.ggml.tokens": tokens,
            "tokenizer.ggml.scores": .array(.float32, [.float32(0)]),
        ])
        let e = try #require(error { _ = try Tokenizer(gguf: f) })
        #expect(e.code == .malformedMetadata)
        #expect(e.message.contains("tokenizer.ggml.scores"))
    }

    @Test func specialIDOutsideTheVocabularyIsRejected() throws {
        let vocabulary = Vocabulary(model: .sentencePiece, tokens: ["<unk>", "a"], specialIDs: SpecialTokenIDs(bos: 7))
        let e = try #require(error { _ = try Tokenizer(vocabulary: vocabulary) })
        #expect(e.code == .tokenIDOutOfRange)
        #expect(e.message.contains("bos") && e.message.contains("7"))
    }

    @Test func idsFromOutsideAreChecked() throws {
        let t = try Tokenizer(vocabulary: Vocabulary(model: .sentencePiece, tokens: ["<unk>", "▁a"]))
        #expect(error { try t.checkIDs([1, 2]) }?.code == .tokenIDOutOfRange)
        #expect(error { try t.checkIDs([-1]) }?.code == .tokenIDOutOfRange)
        #expect(error { try t.checkIDs([0, 1]) } == nil)
        #expect(t.decode([1, 2, -1]) == "a")
        #expect(t.tokenBytes(2) == [])
    }
}
