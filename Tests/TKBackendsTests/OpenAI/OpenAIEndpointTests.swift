import Foundation
import TKEvalCore
import Testing
import TKOpenAIWire
@testable import TKBackends

/// Several endpoints as one backend: round-robin, a dead replica left alone, all dead → an error
/// naming each.
@Suite struct OpenAIEndpointTests {
    static func requests(_ count: Int) -> [ScoringRequest] {
        (0..<count).map { ScoringRequest(context: "Q\($0):", continuations: [" yes"]) }
    }

    @Test func twoLiveEndpointsShareTheWorkRoundRobin() async throws {
        try await FakeOpenAIServer.run { first in
            try await FakeOpenAIServer.run { second in
                let scores = try await OpenAITest.withModel(OpenAITest.configuration([first.endpoint, second.endpoint])) { client in
                    try await client.score(Self.requests(6))
                }
                #expect(scores.count == 6 && scores.allSatisfy { $0.count == 1 && $0[0].logprob == -1 })
                #expect(await first.script.requests.map(\.prompt) == ["Q0: yes", "Q2: yes", "Q4: yes"])
                #expect(await second.script.requests.map(\.prompt) == ["Q1: yes", "Q3: yes", "Q5: yes"])
            }
        }
    }

    @Test func aDeadEndpointIsRetriedElsewhereThenLeftAlone() async throws {
        let deadPort = try FakeOpenAIServer.deadEndpoint()
        let dead = deadPort.url
        try await FakeOpenAIServer.run { live in
            let configuration = OpenAITest.configuration([dead, live.endpoint], unhealthyAfter: 2)
            let (scores, counters) = try await OpenAITest.withModel(configuration) { client in
                let scores = try await client.score(Self.requests(8))
                return (scores.map { $0.map(\.logprob) }, await client.endpointCounters().map { [$0.requests, $0.failures] })
            }
            #expect(scores == Array(repeating: [-1.0], count: 8))
            // Every item answered exactly once, all by the live server.
            let prompts = await live.script.requests.compactMap(\.prompt)
            #expect(prompts == (0..<8).map { "Q\($0): yes" })
            // Two failures mark the dead one unhealthy; it then gets no more requests during its cool-down.
            #expect(counters == [[2, 2], [8, 0]])
        }
        withExtendedLifetime(deadPort) {}
    }

    @Test func allEndpointsDeadEndsInAnErrorNamingEach() async throws {
        let ports = try [FakeOpenAIServer.deadEndpoint(), FakeOpenAIServer.deadEndpoint()]
        defer { withExtendedLifetime(ports) {} }
        let (dead1, dead2) = (ports[0].url, ports[1].url)
        let time = VirtualTime()
        let error = try await OpenAITest.withModel(OpenAITest.configuration([dead1, dead2], maxRetries: 4, unhealthyAfter: 2), time: time) { client in
            await OpenAITest.openAIError { _ = try await client.score(Self.requests(1)) }
        }
        #expect(error?.code == .allEndpointsUnavailable)
        #expect(error?.message.contains(dead1.absoluteString) == true)
        #expect(error?.message.contains(dead2.absoluteString) == true)
        #expect(error?.attempts == 5)
        #expect(error?.item == "request 0, continuation 0")
        // One backoff per retry and no cool-down wait: with the other endpoint down too, the
        // second is not left alone, so the request backs off on its own.
        #expect(time.sleeps.count == 4, "slept \(time.sleeps)")
        #expect(time.sleeps.allSatisfy { $0 <= .seconds(2) }, "slept \(time.sleeps)")
    }

    @Test func connectChecksTheModelAndFingerprintsTheServersEntry() async throws {
        try await FakeOpenAIServer.run(model: FakeModelBehaviour(created: 1_234)) { server in
            let client = try await OpenAIModel.connect(OpenAITest.configuration([server.endpoint]), timing: VirtualTime().timing)
            let identity = client.identity
            try await client.shutdown()
            #expect(identity.name == "fake-model")
            #expect(identity.backend == "openai")
            #expect(identity.details["created"] == "1234")
            #expect(identity.details["owned_by"] == "fake")
            #expect(identity.fingerprint.hasPrefix("openai:") && identity.fingerprint.count == 7 + 64)

            let unknown = await OpenAITest.openAIError {
                _ = try await OpenAIModel.connect(OpenAITest.configuration([server.endpoint], model: "other"), timing: VirtualTime().timing)
            }
            #expect(unknown?.code == .unknownModel)
            #expect(unknown?.message.contains("It serves: fake-model.") == true)
        }
    }

    @Test func theFingerprintFollowsWhatCanChangeAnswers() throws {
        let a = URL(string: "http://a:8000/v1")!
        let b = URL(string: "http://b:8000/v1")!
        let entry = OpenAIWire.ModelList.Entry(id: "m", created: 1, ownedBy: "vllm")
        func fingerprint(_ urls: [URL], _ entry: OpenAIWire.ModelList.Entry?, api: OpenAIAPI = .completions, concurrency: Int = 1) -> String {
            var configuration = OpenAITest.configuration(urls, model: "m", concurrency: concurrency)
            configuration.api = api
            return OpenAIModel.identity(configuration: configuration, endpoints: urls, entry: entry).fingerprint
        }
        let base = fingerprint([a, b], entry)
        #expect(fingerprint([b, a], entry) == base)
        #expect(fingerprint([a, b], entry, concurrency: 16) == base)
        #expect(fingerprint([a], entry) != base)
        #expect(fingerprint([a, b], OpenAIWire.ModelList.Entry(id: "m", created: 2, ownedBy: "vllm")) != base)
        #expect(fingerprint([a, b], nil) != base)
        #expect(fingerprint([a, b], entry, api: .chat) != base)
    }
}
