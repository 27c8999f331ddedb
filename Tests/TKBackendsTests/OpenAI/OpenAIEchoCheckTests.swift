import Foundation
import TKEvalCore
import Testing
@testable import TKBackends

/// Answers that are well-formed JSON but cannot be the prompt's log-probabilities (the fuzz
/// cases of a broken server or proxy): each fails the item with an error naming the endpoint,
/// where the client used to score other tokens and carry on.
@Suite struct OpenAIEchoCheckTests {
    /// Distinct values, so a value moved to another position is a different number.
    static let model = FakeModelBehaviour(
        bos: "<s>",
        logprobs: ["The": -3, " capital": -4, " of": -1.5, " France": -2, " is": -0.25, " Paris": -0.5, " city": -1.25]
    )
    // Echoed tokens: 0 "<s>", 1 "The", 2 " capital", 3 " of", 4 " France", 5 " is", 6 " Paris", 7 " city".
    static let request = ScoringRequest(context: "The capital of France is", continuations: [" Paris city"])

    /// The error scoring `request` ends in when the server answers with `mangling` once.
    static func error(_ mangling: FakeMangling) async throws -> (OpenAIError?, URL, Int) {
        try await FakeOpenAIServer.run(model: Self.model, behaviors: [.mangle(mangling)]) { server in
            let error = try await OpenAITest.withModel(OpenAITest.configuration([server.endpoint])) { client in
                await OpenAITest.openAIError { _ = try await client.score([Self.request]) }
            }
            return (error, server.endpoint, await server.script.requests.count)
        }
    }

    static func expectRefused(_ mangling: FakeMangling, saying words: String, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let (error, endpoint, requests) = try await Self.error(mangling)
        #expect(error?.code == .malformedResponse, "\(mangling): \(error.map(String.init(describing:)) ?? "scored without an error")", sourceLocation: sourceLocation)
        #expect(error?.endpoint == endpoint, sourceLocation: sourceLocation)
        #expect(error?.message.contains(endpoint.absoluteString) == true, sourceLocation: sourceLocation)
        #expect(error?.message.contains(words) == true, "\(mangling): \(error?.message ?? "")", sourceLocation: sourceLocation)
        #expect(error?.item == "request 0, continuation 0", sourceLocation: sourceLocation)
        // Final, not retried: asking again would not make the server's numbers trustworthy.
        #expect(requests == 1, sourceLocation: sourceLocation)
    }

    @Test func theIntactAnswerScores() async throws {
        try await FakeOpenAIServer.run(model: Self.model) { server in
            let score = try await OpenAITest.withModel(OpenAITest.configuration([server.endpoint])) { try await $0.score([Self.request]) }
            #expect(score[0][0].logprob == -1.75)
        }
    }

    @Test func aDroppedTokenIsRefused() async throws {
        try await Self.expectRefused(.dropToken(3), saying: "do not spell the prompt")  // in the context
        try await Self.expectRefused(.dropToken(6), saying: "do not spell the prompt")  // in the continuation
        try await Self.expectRefused(.dropToken(7), saying: "do not spell the prompt")  // the last
    }

    @Test func aRepeatedTokenIsRefused() async throws {
        try await Self.expectRefused(.repeatToken(2), saying: "dropped or repeated")
        try await Self.expectRefused(.repeatToken(6), saying: "dropped or repeated")
    }

    @Test func shiftedOffsetsAreRefused() async throws {
        try await Self.expectRefused(.shiftOffsets(1), saying: "shifted")
        try await Self.expectRefused(.shiftOffsets(-1), saying: "shifted")
    }

    @Test func logprobsMovedAwayFromTheirTopLogprobsAreRefused() async throws {
        try await Self.expectRefused(.shuffleLogprobs, saying: "in top_logprobs")
    }

    @Test func allZeroLogprobsAreRefused() async throws {
        try await Self.expectRefused(.zeroLogprobs, saying: "exactly 0")
    }

    /// The limit of what can be checked: with no `top_logprobs` to compare with, values moved
    /// between positions look like any other numbers, and the moved values are what is scored.
    @Test func logprobsMovedWithoutTopLogprobsCannotBeSeen() async throws {
        try await FakeOpenAIServer.run(model: Self.model, behaviors: [.mangle(.shuffleLogprobsWithoutTop)]) { server in
            let score = try await OpenAITest.withModel(OpenAITest.configuration([server.endpoint])) { try await $0.score([Self.request]) }
            // Reversed over positions 1...7: " Paris" gets " capital"'s -4 and " city" "The"'s -3.
            #expect(score[0][0].logprob == -7)
        }
    }
}
