import Foundation
import TKEvalCore
import Testing
@testable import TKBackends

/// Upstream faults against a real HTTP fake: retried where a retry can help, otherwise a clear
/// error naming the endpoint and the item; never a result taken twice.
@Suite struct OpenAIFailureTests {
    static let model = FakeModelBehaviour(logprobs: [" Paris": -0.5, " Lyon": -2.25])
    static let request = ScoringRequest(context: "The capital of France is", continuations: [" Paris"])

    /// Scores `request` once and returns the logprob.
    static func scoreOnce(_ client: OpenAIModel) async throws -> Double {
        try await client.score([request])[0][0].logprob
    }

    @Test func rateLimitWithRetryAfterIsWaitedOutThenSucceeds() async throws {
        try await FakeOpenAIServer.run(model: Self.model, behaviors: [.status(429, message: "Rate limit reached", retryAfter: "2")]) { server in
            let time = VirtualTime()
            let value = try await OpenAITest.withModel(OpenAITest.configuration([server.endpoint]), time: time) { try await Self.scoreOnce($0) }
            #expect(value == -0.5)
            #expect(time.totalSlept >= .seconds(2), "slept \(time.sleeps)")
            #expect(time.totalSlept < .seconds(3), "slept \(time.sleeps)")
            #expect(await server.script.requests.count == 2)
        }
    }

    @Test func serverErrorIsRetriedWithBackoffThenSucceeds() async throws {
        try await FakeOpenAIServer.run(model: Self.model, behaviors: [.status(500, message: "boom"), .status(503, message: "busy")]) { server in
            let time = VirtualTime(unit: 0.5)
            let value = try await OpenAITest.withModel(OpenAITest.configuration([server.endpoint]), time: time) { try await Self.scoreOnce($0) }
            #expect(value == -0.5)
            // Full jitter at 0.5 of 100 ms, then of 200 ms.
            #expect(time.sleeps == [.milliseconds(50), .milliseconds(100)])
            #expect(await server.script.requests.count == 3)
        }
    }

    @Test func garbageJSONIsRetriedThenEndsInAClearError() async throws {
        try await FakeOpenAIServer.run(model: Self.model, behaviors: [.garbage, .garbage, .garbage, .garbage]) { server in
            let error = try await OpenAITest.withModel(OpenAITest.configuration([server.endpoint], maxRetries: 2)) { client in
                await OpenAITest.openAIError { _ = try await Self.scoreOnce(client) }
            }
            #expect(error?.code == .malformedResponse)
            #expect(error?.endpoint == server.endpoint)
            #expect(error?.item == "request 0, continuation 0")
            #expect(error?.attempts == 3)
            #expect(error?.description.contains(server.endpoint.absoluteString) == true)
            #expect(await server.script.requests.count == 3)
        }
    }

    @Test func garbageOnceThenAGoodAnswerSucceeds() async throws {
        try await FakeOpenAIServer.run(model: Self.model, behaviors: [.garbage]) { server in
            let value = try await OpenAITest.withModel(OpenAITest.configuration([server.endpoint])) { try await Self.scoreOnce($0) }
            #expect(value == -0.5)
            #expect(await server.script.requests.count == 2)
        }
    }

    @Test func aConnectionClosedMidAnswerIsRetried() async throws {
        try await FakeOpenAIServer.run(model: Self.model, behaviors: [.drop]) { server in
            let value = try await OpenAITest.withModel(OpenAITest.configuration([server.endpoint])) { try await Self.scoreOnce($0) }
            #expect(value == -0.5)
            #expect(await server.script.requests.count == 2)
        }
    }

    @Test func aTimeoutIsRetried() async throws {
        // No wall-clock budget: a second request is the proof that the first was cut off (a
        // stalled request that was waited out would be answered, once, after 120 s).
        try await FakeOpenAIServer.run(model: Self.model, behaviors: [.delay(.seconds(120))]) { server in
            let value = try await OpenAITest.withModel(OpenAITest.configuration([server.endpoint], timeout: .seconds(2))) {
                try await Self.scoreOnce($0)
            }
            #expect(value == -0.5)
            #expect(await server.script.requests.count >= 2)
        }
    }

    @Test func timeoutsUntilRetriesRunOutNameTheEndpoint() async throws {
        try await FakeOpenAIServer.run(model: Self.model, behaviors: [.delay(.seconds(3)), .delay(.seconds(3))]) { server in
            let error = try await OpenAITest.withModel(OpenAITest.configuration([server.endpoint], maxRetries: 1, timeout: .milliseconds(200))) { client in
                await OpenAITest.openAIError { _ = try await Self.scoreOnce(client) }
            }
            #expect(error?.code == .connectionFailed)
            #expect(error?.message.contains("did not answer") == true)
            #expect(error?.endpoint == server.endpoint)
            #expect(error?.attempts == 2)
        }
    }

    @Test func aRefusedKeyFailsAtOnceWithAHint() async throws {
        try await FakeOpenAIServer.run(model: Self.model, behaviors: [.status(401, message: "Incorrect API key provided")]) { server in
            let error = try await OpenAITest.withModel(OpenAITest.configuration([server.endpoint])) { client in
                await OpenAITest.openAIError { _ = try await Self.scoreOnce(client) }
            }
            #expect(error?.code == .authentication)
            #expect(error?.status == 401)
            #expect(error?.serverMessage == "Incorrect API key provided")
            #expect(error?.message.contains("OPENAI_API_KEY") == true)
            #expect(error?.attempts == 1)
            #expect(await server.script.requests.count == 1)
        }
    }

    @Test func anUnknownModelFailsAtOnceListingTheServedModels() async throws {
        try await FakeOpenAIServer.run(model: Self.model) { server in
            let error = try await OpenAITest.withModel(OpenAITest.configuration([server.endpoint], model: "gpt-nope")) { client in
                await OpenAITest.openAIError { _ = try await Self.scoreOnce(client) }
            }
            #expect(error?.code == .unknownModel)
            #expect(error?.status == 404)
            #expect(error?.message.contains("'gpt-nope'") == true)
            #expect(error?.message.contains("It serves: fake-model.") == true)
            #expect(await server.script.requests.count == 1)
        }
    }

    @Test func aServerWithoutPromptLogprobsSuggestsLetteredMode() async throws {
        for behavior in [FakeBehavior.noLogprobs, .noEcho] {
            try await FakeOpenAIServer.run(model: Self.model, behaviors: [behavior]) { server in
                let error = try await OpenAITest.withModel(OpenAITest.configuration([server.endpoint])) { client in
                    await OpenAITest.openAIError { _ = try await Self.scoreOnce(client) }
                }
                #expect(error?.code == .noPromptLogprobs)
                #expect(error?.message.contains("--mode lettered") == true)
                #expect(error?.endpoint == server.endpoint)
                #expect(await server.script.requests.count == 1)
            }
        }
    }

    @Test func aBadRequestIsNotRetried() async throws {
        try await FakeOpenAIServer.run(model: Self.model, behaviors: [.status(400, message: "prompt is too long")]) { server in
            let error = try await OpenAITest.withModel(OpenAITest.configuration([server.endpoint])) { client in
                await OpenAITest.openAIError { _ = try await Self.scoreOnce(client) }
            }
            #expect(error?.code == .httpStatus)
            #expect(error?.status == 400)
            #expect(error?.serverMessage == "prompt is too long")
            #expect(await server.script.requests.count == 1)
        }
    }

    /// The only endpoint failing three times in a row (the unhealthy threshold) is not left alone
    /// for the 10 s cool-down: the failed request backs off on its own and the rest go on.
    @Test func theOnlyEndpointIsNeverCooledDownOnlyTheFailedRequestBacksOff() async throws {
        let failures = Array(repeating: FakeBehavior.status(500, message: "boom"), count: 3)
        try await FakeOpenAIServer.run(model: Self.model, behaviors: failures) { server in
            let time = VirtualTime(unit: 0.5)
            let requests = (0..<10).map { ScoringRequest(context: "Q\($0):", continuations: [" yes"]) }
            let scores = try await OpenAITest.withModel(OpenAITest.configuration([server.endpoint]), time: time) { try await $0.score(requests) }
            #expect(scores.map { $0.map(\.logprob) } == Array(repeating: [-1.0], count: 10))
            // Three backoffs of 50, 100 and 200 ms (full jitter at 0.5): no pause for the endpoint.
            #expect(time.sleeps == [.milliseconds(50), .milliseconds(100), .milliseconds(200)])
            #expect(await server.script.requests.count == 13)
        }
    }

    /// Every other request failing with 500, four in flight: each failure costs its own request
    /// one backoff, and nothing else waits.
    @Test func everyOtherRequestFailingCostsOneBackoffPerFailure() async throws {
        let alternating = (0..<10).flatMap { _ in [FakeBehavior.status(500, message: "flaky"), .answer] }
        try await FakeOpenAIServer.run(model: Self.model, behaviors: alternating) { server in
            let time = VirtualTime(unit: 0.5)
            let requests = (0..<10).map { ScoringRequest(context: "Q\($0):", continuations: [" yes"]) }
            let configuration = OpenAITest.configuration([server.endpoint], concurrency: 4, maxRetries: 10)
            let scores = try await OpenAITest.withModel(configuration, time: time) { try await $0.score(requests) }
            #expect(scores.map { $0.map(\.logprob) } == Array(repeating: [-1.0], count: 10))
            // Requests 0, 2, …, 18 failed and 1, 3, …, 19 answered the ten items.
            #expect(await server.script.requests.count == 20)
            #expect(time.sleeps.count == 10, "slept \(time.sleeps)")
            #expect(time.sleeps.allSatisfy { $0 <= .seconds(2) }, "slept \(time.sleeps)")
        }
    }

    /// A `Retry-After` far beyond the cap is waited on for the cap, by the request that got it.
    @Test func retryAfterIsCappedPerRequest() async throws {
        try await FakeOpenAIServer.run(model: Self.model, behaviors: [.status(429, message: "slow down", retryAfter: "86400")]) { server in
            let time = VirtualTime()
            var configuration = OpenAITest.configuration([server.endpoint])
            configuration.maxRetryAfter = .seconds(5)
            let value = try await OpenAITest.withModel(configuration, time: time) { try await Self.scoreOnce($0) }
            #expect(value == -0.5)
            #expect(time.sleeps == [.seconds(5)])
        }
    }

    /// One item failing for good cancels the call, but items retried along the way are asked
    /// exactly as often as they failed, and each successful item was answered once.
    @Test func eachItemIsAnsweredOnceDespiteFaultsAroundIt() async throws {
        var table: [String: Double] = [:]
        for i in 0..<6 { table[" c\(i)"] = -Double(i + 1) }
        let model = FakeModelBehaviour(logprobs: table)
        try await FakeOpenAIServer.run(model: model, behaviors: [.status(500, message: "x"), .drop, .answer, .garbage, .status(429, message: "y")]) { server in
            let scores = try await OpenAITest.withModel(OpenAITest.configuration([server.endpoint], concurrency: 3)) { client in
                try await client.score([ScoringRequest(context: "Q:", continuations: (0..<6).map { " c\($0)" })])
            }
            #expect(scores[0].map(\.logprob) == (0..<6).map { -Double($0 + 1) })
            // 6 items + 4 failures = 10 requests.
            #expect(await server.script.requests.count == 10)
        }
    }
}
