import Foundation
import TKEvalCore
import Testing
import TKOpenAIWire
@testable import TKBackends

/// The span and sum rules on hand-written `logprobs` objects, including shapes the fake server
/// does not produce (byte-fallback tokens with empty text, inconsistent arrays).
@Suite struct EchoScoringTests {
    static func logprobs(_ tokens: [String], _ values: [Double?], offsets: [Int]? = nil, top: [[String: Double]?]? = nil) -> OpenAIWire.CompletionLogprobs {
        var running = 0
        let computed = tokens.map { token -> Int in
            defer { running += token.unicodeScalars.count }
            return running
        }
        return OpenAIWire.CompletionLogprobs(tokens: tokens, tokenLogprobs: values, topLogprobs: top, textOffset: offsets ?? computed)
    }

    static func score(_ lp: OpenAIWire.CompletionLogprobs, context: String, continuation: String) throws(EchoScoring.Fault) -> ContinuationScore {
        try EchoScoring.score(lp, prompt: context + continuation, contextLength: context.unicodeScalars.count, continuation: continuation, wantsDetail: true)
    }

    /// vLLM shows a token that holds only part of a character's bytes as "" (the character
    /// appears with the token that completes it). An empty token at the boundary starts the
    /// continuation's text, so it is the continuation's.
    @Test func anEmptyPartialByteTokenAtTheBoundaryBelongsToTheContinuation() throws {
        let lp = Self.logprobs(["A", ":", "", "é"], [nil, -1, -2, -4])
        let score = try Self.score(lp, context: "A:", continuation: "é")
        #expect(score.tokenLogprobs == [-2, -4])
        #expect(score.byteCount == 2)
    }

    /// SmolLM2's tokenizer merges the context's last space with the first two bytes of "🥛"
    /// (" \xf0\x9f", then "\xa5", "\x9b"); vLLM shows the first two as "" and the third as " 🥛",
    /// all at the space's offset. The native engine counts all three as continuation (the first
    /// carries continuation bytes), and so must the offsets rule.
    @Test func aPartialCharacterRunStraddlingTheJoinBelongsToTheContinuation() throws {
        let lp = Self.logprobs(["A", ":", "", "", " 🥛", " la"], [nil, -1, -2, -3, -4, -5], offsets: [0, 1, 2, 2, 2, 4])
        let score = try Self.score(lp, context: "A: ", continuation: "🥛 la")
        #expect(score.tokenLogprobs == [-2, -3, -4, -5])
        // The same run wholly inside the context stays context.
        let inside = try Self.score(lp, context: "A: 🥛", continuation: " la")
        #expect(inside.tokenLogprobs == [-5])
    }

    @Test func aLeadingBOSTextShiftsTheOffsets() throws {
        // vLLM: "<|begin_of_text|>" counted in text_offset.
        let lp = Self.logprobs(["<|begin_of_text|>", "Hi", " there"], [nil, -1, -2])
        #expect(EchoScoring.leadingShift(tokens: lp.tokens, offsets: lp.textOffset, prompt: "Hi there") == 17)
        #expect(try Self.score(lp, context: "Hi", continuation: " there").tokenLogprobs == [-2])
        #expect(try Self.score(lp, context: "", continuation: "Hi there").tokenLogprobs == [-1, -2])
    }

    @Test func offsetsThatAlreadyExcludeTheBOSAreTakenAsTheyAre() throws {
        // A server that gives BOS offset 0 and text offsets of the prompt itself.
        let lp = Self.logprobs(["<s>", "Hi", " there"], [nil, -1, -2], offsets: [0, 0, 2])
        #expect(try Self.score(lp, context: "Hi", continuation: " there").tokenLogprobs == [-2])
    }

    @Test func aGeneratedTokenAfterThePromptIsIgnored() throws {
        let lp = Self.logprobs(["Hi", " there", " you"], [nil, -2, -30])
        let score = try Self.score(lp, context: "Hi", continuation: " there")
        #expect(score.logprob == -2 && score.tokenCount == 1)
    }

    @Test func greedyComparesWithTheTopToken() throws {
        let top: [[String: Double]?] = [nil, ["x": -0.5, " there": -0.5], [" you": -0.1]]
        let lp = Self.logprobs(["Hi", " there", " you"], [nil, -0.5, -0.1], top: top)
        #expect(try Self.score(lp, context: "Hi", continuation: " there you").isGreedy)
        let losing = Self.logprobs(["Hi", " there", " you"], [nil, -0.5, -3], top: [nil, [" there": -0.5], ["me": -0.2, " you": -3]])
        #expect(try !Self.score(losing, context: "Hi", continuation: " there you").isGreedy)
        // No top_logprobs: greediness unknown, reported as not greedy.
        #expect(try !Self.score(Self.logprobs(["Hi", " there"], [nil, -0.5]), context: "Hi", continuation: " there").isGreedy)
    }

    @Test func inconsistentAnswersAreMalformed() {
        func fault(_ lp: OpenAIWire.CompletionLogprobs, _ context: String = "Hi", _ continuation: String = " there") -> EchoScoring.Fault? {
            do throws(EchoScoring.Fault) {
                _ = try Self.score(lp, context: context, continuation: continuation)
                return nil
            } catch {
                return error
            }
        }
        // A null inside the continuation.
        if case .malformed(let what)? = fault(Self.logprobs(["Hi", " there"], [nil, nil])) {
            #expect(what.contains("null"))
        } else {
            Issue.record("a null log-probability inside the continuation was accepted")
        }
        // Arrays of different lengths.
        if case .malformed? = fault(OpenAIWire.CompletionLogprobs(tokens: ["Hi", " there"], tokenLogprobs: [nil], topLogprobs: nil, textOffset: [0, 2])) {} else {
            Issue.record("mismatched arrays were accepted")
        }
        // Offsets going backwards.
        if case .malformed? = fault(Self.logprobs(["Hi", " there"], [nil, -1], offsets: [2, 0])) {} else {
            Issue.record("backwards offsets were accepted")
        }
        // A positive log-probability.
        if case .malformed? = fault(Self.logprobs(["Hi", " there"], [nil, 0.5])) {} else {
            Issue.record("a positive log-probability was accepted")
        }
        #expect(fault(Self.logprobs([], [])) == .noPromptTokens)
        #expect(fault(Self.logprobs(["Hi there"], [nil]), "", "Hi there") == .firstTokenUnscorable(emptyContext: true))
        #expect(fault(Self.logprobs(["Hi there"], [nil]), "Hi", " there") == .firstTokenUnscorable(emptyContext: false))
    }
}

/// What real servers send for partial characters and BOS tokens passes the echo check.
@Suite struct EchoVerificationTests {
    static func score(_ tokens: [String], _ values: [Double?], offsets: [Int], context: String, continuation: String) throws(EchoScoring.Fault) -> ContinuationScore {
        try EchoScoring.score(
            OpenAIWire.CompletionLogprobs(tokens: tokens, tokenLogprobs: values, topLogprobs: nil, textOffset: offsets),
            prompt: context + continuation, contextLength: context.unicodeScalars.count, continuation: continuation, wantsDetail: true
        )
    }

    /// `truthkit serve`: a BOS not counted in the offsets, partial characters shown with U+FFFD,
    /// a continuation byte's token at the offset of the character it completes.
    @Test func truthkitServesReplacementCharactersPass() throws {
        let score = try Self.score(
            ["<|endoftext|>", "A", ":", " \u{FFFD}", "\u{FFFD}\u{FFFD}", " la"], [nil, -1, -2, -3, -4, -5],
            offsets: [0, 0, 1, 2, 3, 4], context: "A:", continuation: " 🥛 la"
        )
        #expect(score.tokenLogprobs == [-3, -4, -5])
    }

    /// llama-cpp-python: an empty BOS, partial characters decoded with their bytes dropped.
    @Test func llamaCppPythonsDroppedPartialBytesPass() throws {
        let score = try Self.score(
            ["", "A", ":", " ", "", " la"], [nil, -1, -2, -3, -4, -5], offsets: [0, 0, 1, 2, 3, 4], context: "A:", continuation: " 🥛 la"
        )
        #expect(score.tokenLogprobs == [-3, -4, -5])
    }

    /// A single token of probability 1 after a context that is not all zeros is a model's
    /// rounding, not a server filling in zeros.
    @Test func oneZeroTokenAfterARealContextIsAccepted() throws {
        let score = try Self.score(["Hi", " you", " there"], [nil, -1, 0], offsets: [0, 2, 6], context: "Hi you", continuation: " there")
        #expect(score.logprob == 0)
        let zeros = Self.faultOf { () throws(EchoScoring.Fault) in
            _ = try Self.score(["<s>", "Hi", " there"], [nil, 0, 0], offsets: [0, 3, 5], context: "Hi", continuation: " there")
        }
        if case .malformed(let what)? = zeros { #expect(what.contains("exactly 0")) } else { Issue.record("an all-zero echo was accepted") }
    }

    /// A visible token that is not the prompt's text at its offset.
    @Test func aTokenThatIsNotThePromptIsRefused() {
        let fault = Self.faultOf { () throws(EchoScoring.Fault) in
            _ = try Self.score(["Hi", " where"], [nil, -1], offsets: [0, 2], context: "Hi", continuation: " there")
        }
        if case .malformed(let what)? = fault { #expect(what.contains("\" where\"")) } else { Issue.record("a wrong token was accepted") }
    }

    static func faultOf(_ body: () throws(EchoScoring.Fault) -> Void) -> EchoScoring.Fault? {
        do throws(EchoScoring.Fault) {
            try body()
            return nil
        } catch {
            return error
        }
    }
}
