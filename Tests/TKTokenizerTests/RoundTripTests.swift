import Foundation
import Testing
@testable import TKTokenizer

/// `decode(encode(text)) == text` for every text of the fixtures, on both tokenizer kinds.
struct RoundTripTests {
    private struct Fixture: Decodable {
        var cases: [Case]
        struct Case: Decodable { var text: String }
    }

    private static func texts() throws -> [String] {
        try TestResources.fixture("pretokenizer-splits.json", as: Fixture.self).cases.map(\.text)
    }

    @Test(.enabled(if: TestResources.modelAvailable, TestResources.modelMissingMessage))
    func byteLevelBPEDecodesEveryTextExactly() throws {
        let t = try #require(TestResources.smolLM)
        let texts = try Self.texts()
        #expect(texts.count > 900)
        for text in texts {
            #expect(t.decode(t.encode(text, addSpecial: false)) == text, "\(text.debugDescription)")
            #expect(t.decode(t.encode(text, addSpecial: true), skipSpecialTokens: true) == text)
        }
    }

    @Test(arguments: [true, false])
    func sentencePieceDecodesEveryTextExactly(_ addSpacePrefix: Bool) throws {
        let t = try LlamaCppOracleTests.sentencePiece(addSpacePrefix: addSpacePrefix)
        // A user-defined token is matched even in plain text and gets a space put after it, so
        // texts containing one are outside the lossless guarantee.
        let texts = try Self.texts().filter { !$0.contains("<sep>") }
        for text in texts {
            #expect(t.decode(t.encode(text, addSpecial: false)) == text, "\(text.debugDescription)")
            #expect(t.decode(t.encode(text), skipSpecialTokens: true) == text)
        }
    }

    @Test(.enabled(if: TestResources.modelAvailable, TestResources.modelMissingMessage))
    func tokenBytesConcatenateToTheText() throws {
        let t = try #require(TestResources.smolLM)
        let text = "Emoji 👨‍👩‍👧 and 日本語 split across byte tokens"
        let ids = t.encode(text)
        #expect(ids.flatMap { t.tokenBytes($0) } == Array(text.utf8))
        var decoder = StreamingDecoder(tokenizer: t)
        #expect(ids.map { decoder.feed($0) }.joined() + decoder.finish() == text)
    }
}
