import Foundation
import TKEvalCore
import Testing
@testable import TKBackends

/// Scoring against a real HTTP fake: the continuation's span found by character offsets and the
/// log-probabilities summed. Expected values are written out from the fake's token table.
@Suite struct OpenAIScoringTests {
    static let table: [String: Double] = [
        "The": -3, " capital": -4, " of": -1.5, " France": -2, " is": -0.25,
        " Paris": -0.5, " Lyon": -2.25, " city": -1.25,
        "Hello": -0.375, " world": -1.5, " there": -0.625,
    ]

    @Test func sumsTheContinuationTokensAndFlagsGreedy() async throws {
        let model = FakeModelBehaviour(logprobs: Self.table, greedy: [" Paris", " city"])
        try await FakeOpenAIServer.run(model: model) { server in
            try await OpenAITest.withModel(OpenAITest.configuration([server.endpoint])) { client in
                let scores = try await client.score([
                    ScoringRequest(context: "The capital of France is", continuations: [" Paris", " Lyon", " Paris city"], wantsTokenDetail: true),
                ])
                #expect(scores.count == 1 && scores[0].count == 3)
                #expect(scores[0][0] == ContinuationScore(logprob: -0.5, tokenCount: 1, isGreedy: true, tokenLogprobs: [-0.5], byteCount: 6))
                #expect(scores[0][1] == ContinuationScore(logprob: -2.25, tokenCount: 1, isGreedy: false, tokenLogprobs: [-2.25], byteCount: 5))
                #expect(scores[0][2] == ContinuationScore(logprob: -1.75, tokenCount: 2, isGreedy: true, tokenLogprobs: [-0.5, -1.25], byteCount: 11))
            }
            let requests = await server.script.requests
            #expect(requests.count == 3)
            #expect(requests.allSatisfy { $0.path == "/v1/completions" && $0.maxTokens == 0 && $0.body["echo"] == "1" && $0.body["logprobs"] == "1" })
            #expect(requests.map(\.prompt) == ["The capital of France is Paris", "The capital of France is Lyon", "The capital of France is Paris city"])
            #expect(requests.allSatisfy { $0.authorization == "Bearer sk-test" })
        }
    }

    /// Offsets are Python string indices (Unicode scalars): a context with a precomposed é, a
    /// decomposed e + U+0301 and a ZWJ emoji (14 scalars, 11 Characters, 24 UTF-8 bytes) puts the
    /// boundary in a different place under each wrong unit.
    @Test func findsTheSpanByUnicodeScalarOffsets() async throws {
        let context = "Caf\u{E9} e\u{301} 👩\u{200D}💻 au"
        let continuation = " lait 🥛"
        #expect(context.unicodeScalars.count == 14 && context.count == 11 && context.utf8.count == 24)
        var table: [String: Double] = [" lait": -0.75, " ": -0.125, "🥛": -2.5, " au": -7, "\u{1F4BB}": -11, "\u{200D}": -13]
        table["Caf\u{E9}"] = -5
        for bos in ["<s>", nil] as [String?] {
            let model = FakeModelBehaviour(bos: bos, logprobs: table)
            try await FakeOpenAIServer.run(model: model) { server in
                try await OpenAITest.withModel(OpenAITest.configuration([server.endpoint])) { client in
                    let scores = try await client.score([ScoringRequest(context: context, continuations: [continuation], wantsTokenDetail: true)])
                    // Server tokens of the continuation: " lait", " ", "🥛".
                    #expect(scores[0][0].tokenLogprobs == [-0.75, -0.125, -2.5], "BOS \(bos ?? "none")")
                    #expect(scores[0][0].logprob == -3.375)
                    #expect(scores[0][0].tokenCount == 3)
                    #expect(scores[0][0].byteCount == 10)
                }
            }
        }
    }

    /// A token straddling the join ("Hello wor" + "ld" → " world") is the continuation's, as in
    /// the native engine's `TokenBoundary`.
    @Test func aTokenStraddlingTheJoinBelongsToTheContinuation() async throws {
        try await FakeOpenAIServer.run(model: FakeModelBehaviour(logprobs: Self.table)) { server in
            try await OpenAITest.withModel(OpenAITest.configuration([server.endpoint])) { client in
                let scores = try await client.score([ScoringRequest(context: "Hello wor", continuations: ["ld"])])
                #expect(scores[0][0].logprob == -1.5)
                #expect(scores[0][0].tokenCount == 1)
                #expect(scores[0][0].byteCount == 2)
                #expect(scores[0][0].tokenLogprobs == nil)
            }
        }
    }

    @Test func anEmptyContextIsScoredAfterTheServersBOS() async throws {
        try await FakeOpenAIServer.run(model: FakeModelBehaviour(bos: "<s>", logprobs: Self.table)) { server in
            try await OpenAITest.withModel(OpenAITest.configuration([server.endpoint])) { client in
                let scores = try await client.score([ScoringRequest(context: "", continuations: ["Hello there"])])
                #expect(scores[0][0].logprob == -1.0)
                #expect(scores[0][0].tokenCount == 2)
            }
        }
    }

    @Test func anEmptyContextWithoutBOSIsAClearErrorNotAShorterContinuation() async throws {
        try await FakeOpenAIServer.run(model: FakeModelBehaviour(bos: nil, logprobs: Self.table)) { server in
            let error = try await OpenAITest.withModel(OpenAITest.configuration([server.endpoint])) { client in
                await OpenAITest.openAIError { _ = try await client.score([ScoringRequest(context: "", continuations: ["Hello there"])]) }
            }
            #expect(error?.code == .invalidRequest)
            #expect(error?.message.contains("BOS") == true)
            #expect(error?.item == "request 0, continuation 0")
            #expect(await server.script.requests.count == 1)
        }
    }

    @Test func anEmptyContinuationIsRejectedBeforeAnyRequest() async throws {
        try await FakeOpenAIServer.run { server in
            let error = try await OpenAITest.withModel(OpenAITest.configuration([server.endpoint])) { client in
                await OpenAITest.openAIError { _ = try await client.score([ScoringRequest(context: "Q", continuations: [" a", ""])]) }
            }
            #expect(error?.code == .invalidRequest)
            #expect(error?.item == "request 0, continuation 1")
            #expect(await server.script.requests.isEmpty)
        }
    }

    /// Twelve continuations, four at a time: the server sees several requests at once, and the
    /// results still come back in request order.
    @Test func requestsOverlapAndResultsKeepRequestOrder() async throws {
        var table: [String: Double] = [:]
        for i in 0..<12 { table[" c\(i)"] = -Double(i + 1) / 8 }
        let model = FakeModelBehaviour(logprobs: table, latency: .milliseconds(80))
        try await FakeOpenAIServer.run(model: model) { server in
            let requests = (0..<3).map { r in ScoringRequest(context: "Q\(r):", continuations: (0..<4).map { " c\(r * 4 + $0)" }) }
            try await OpenAITest.withModel(OpenAITest.configuration([server.endpoint], concurrency: 4)) { client in
                let scores = try await client.score(requests)
                let got: [[Double]] = scores.map { row in row.map(\.logprob) }
                var expected: [[Double]] = []
                for r in 0..<3 { expected.append((0..<4).map { c in -Double(r * 4 + c + 1) / 8 }) }
                #expect(got == expected)
            }
            let peak = await server.script.maxInFlight
            #expect(peak > 1 && peak <= 4, "peak in flight \(peak)")
            #expect(await server.script.requests.count == 12)
        }
    }

    @Test func aServerThatRefusesMaxTokensZeroIsAskedForOneTokenWhichIsIgnored() async throws {
        let model = FakeModelBehaviour(logprobs: Self.table, refusesZeroMaxTokens: true)
        try await FakeOpenAIServer.run(model: model) { server in
            try await OpenAITest.withModel(OpenAITest.configuration([server.endpoint])) { client in
                let scores = try await client.score([ScoringRequest(context: "The capital of France is", continuations: [" Paris", " Lyon"])])
                #expect(scores[0].map(\.logprob) == [-0.5, -2.25])
                #expect(scores[0].map(\.tokenCount) == [1, 1])
            }
            // Refused once, then remembered for the endpoint.
            #expect(await server.script.requests.map(\.maxTokens) == [0, 1, 1])
        }
    }

    /// llama-cpp-python reads `max_tokens: 0` as "until the context is full": the generated
    /// tokens are ignored, and the endpoint is asked for one token from then on.
    @Test func aServerThatGeneratesDespiteMaxTokensZeroIsAskedForOneToken() async throws {
        let model = FakeModelBehaviour(logprobs: Self.table, generatesOnZeroMaxTokens: true)
        try await FakeOpenAIServer.run(model: model) { server in
            try await OpenAITest.withModel(OpenAITest.configuration([server.endpoint])) { client in
                let scores = try await client.score([ScoringRequest(context: "The capital of France is", continuations: [" Paris", " Lyon", " Paris city"])])
                #expect(scores[0].map(\.logprob) == [-0.5, -2.25, -1.75])
            }
            #expect(await server.script.requests.map(\.maxTokens) == [0, 1, 1])
        }
    }
}
