import Testing
@testable import TKTokenizer

/// The streaming decoder as a state machine: feed tokens, check what text comes out when.
struct StreamingDecoderTests {
    private func sentencePiece() throws -> Tokenizer {
        try LlamaCppOracleTests.sentencePiece()
    }

    @Test func multiByteCharactersAreHeldUntilComplete() throws {
        let t = try sentencePiece()
        let ids = t.encode("日本 😀!", addSpecial: false)  // spelled out in <0xXX> byte tokens
        var decoder = StreamingDecoder(tokenizer: t)
        var outputs: [String] = []
        for id in ids { outputs.append(decoder.feed(id)) }
        outputs.append(decoder.finish())
        #expect(outputs.joined() == " 日本 😀!")
        // Every non-empty output is whole characters: no U+FFFD anywhere.
        #expect(!outputs.joined().unicodeScalars.contains("\u{FFFD}"))
        #expect(outputs.filter { $0.isEmpty }.count >= 6)  // 3 + 3 + 4 bytes arrive one token at a time
        #expect(outputs.contains("日"))
        #expect(outputs.contains("😀"))
    }

    @Test func streamEqualsDecodeOfAllBytes() throws {
        let t = try sentencePiece()
        for text in ["What is the smallest country?", "Zer gertatzen zaizu? ñ ü €", "🇪🇸 mañana", ""] {
            let ids = t.encode(text)
            var decoder = StreamingDecoder(tokenizer: t)
            let streamed = ids.map { decoder.feed($0) }.joined() + decoder.finish()
            let bytes = ids.flatMap { t.tokenBytes($0) }
            #expect(streamed == String(decoding: bytes, as: UTF8.self))
        }
    }

    @Test func finishFlushesAnIncompleteCharacterAsReplacement() throws {
        let t = try sentencePiece()
        var decoder = StreamingDecoder(tokenizer: t)
        #expect(decoder.feed(try #require(t.tokenID(forText: "<0xE6>"))) == "")
        #expect(decoder.pendingBytes == [0xE6])
        #expect(decoder.finish() == "\u{FFFD}")
        #expect(decoder.pendingBytes.isEmpty)
    }

    @Test func invalidBytesAreReleasedAtOnce() throws {
        let t = try sentencePiece()
        var decoder = StreamingDecoder(tokenizer: t)
        #expect(decoder.feed(try #require(t.tokenID(forText: "<0xFF>"))) == "\u{FFFD}")
        #expect(decoder.feed(try #require(t.tokenID(forText: "<0x80>"))) == "\u{FFFD}")
    }

    @Test func skipsSpecialTokensWhenAsked() throws {
        let t = try sentencePiece()
        var decoder = StreamingDecoder(tokenizer: t, skipSpecialTokens: true)
        #expect(decoder.feed(1) == "")
        var shown = StreamingDecoder(tokenizer: t)
        #expect(shown.feed(1) == "<s>")
        #expect(shown.feed(-5) == "")
    }

    @Test(arguments: [
        ([UInt8](), 0), ([0x41], 1), ([0x41, 0xE6], 1), ([0xE6, 0x97], 0), ([0xE6, 0x97, 0xA5], 3),
        ([0xF0, 0x9F, 0x98], 0), ([0xFF], 1), ([0xE0, 0x80], 2), ([0xC3], 0), ([0x80, 0x80], 2),
    ] as [([UInt8], Int)])
    func completePrefixHoldsOnlyValidUnfinishedTails(_ bytes: [UInt8], _ expected: Int) {
        #expect(StreamingDecoder.completePrefixLength(bytes) == expected)
    }
}
