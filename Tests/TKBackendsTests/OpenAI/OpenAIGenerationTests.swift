import Foundation
import TKEvalCore
import Testing
import TKOpenAIWire
@testable import TKBackends

@Suite struct OpenAIGenerationTests {
    @Test func completionsSendsTheSamplingSettingsAndMapsTheFinish() async throws {
        let model = FakeModelBehaviour(generatedText: " Paris.", finishReason: "stop", stopReason: "\n")
        try await FakeOpenAIServer.run(model: model) { server in
            let generation = try await OpenAITest.withModel(OpenAITest.configuration([server.endpoint])) { client in
                try await client.generate(TextGenerationRequest(prompt: "Q: capital?\nA:", maxTokens: 7, stop: ["\n"], temperature: 0.75, topP: 0.5, seed: 42))
            }
            #expect(generation == TextGeneration(text: " Paris.", finishReason: .stop, tokenCount: 2))
            let sent = try #require(await server.script.requests.first)
            #expect(sent.path == "/v1/completions")
            #expect(sent.prompt == "Q: capital?\nA:")
            #expect(sent.maxTokens == 7)
            #expect(sent.stop == ["\n"])
            #expect(sent.body["temperature"] == "0.75")
            #expect(sent.body["top_p"] == "0.5")
            #expect(sent.body["seed"] == "42")
            #expect(sent.body["echo"] == nil)
        }
    }

    @Test func chatSendsOneUserMessage() async throws {
        let model = FakeModelBehaviour(generatedText: "Paris", finishReason: "length")
        try await FakeOpenAIServer.run(model: model) { server in
            let generation = try await OpenAITest.withModel(OpenAITest.configuration([server.endpoint], api: .chat)) { client in
                try await client.generate(TextGenerationRequest(prompt: "Capital of France?", maxTokens: 3))
            }
            #expect(generation == TextGeneration(text: "Paris", finishReason: .length, tokenCount: 2))
            let sent = try #require(await server.script.requests.first)
            #expect(sent.path == "/v1/chat/completions")
            #expect(sent.prompt == "Capital of France?")
            #expect(sent.stop == nil)
        }
    }

    @Test func finishReasonsMapToTheProtocol() throws {
        func finish(_ json: String) throws -> OpenAIWire.Finish {
            try JSONDecoder().decode(OpenAIWire.CompletionChoice.self, from: Data(json.utf8)).finish
        }
        #expect(OpenAIModel.finishReason(try finish(#"{"finish_reason":"length"}"#), hasStops: true) == .length)
        #expect(OpenAIModel.finishReason(try finish(#"{"finish_reason":"stop","stop_reason":"\n"}"#), hasStops: true) == .stop)
        #expect(OpenAIModel.finishReason(try finish(#"{"finish_reason":"stop","stop_reason":null}"#), hasStops: true) == .endOfGeneration)
        #expect(OpenAIModel.finishReason(try finish(#"{"finish_reason":"stop","stop_reason":128009}"#), hasStops: true) == .endOfGeneration)
        #expect(OpenAIModel.finishReason(try finish(#"{"finish_reason":"stop"}"#), hasStops: true) == .stop)
        #expect(OpenAIModel.finishReason(try finish(#"{"finish_reason":"stop"}"#), hasStops: false) == .endOfGeneration)
    }

    @Test func garbageGenerationIsRetriedThenSucceeds() async throws {
        try await FakeOpenAIServer.run(behaviors: [.garbage]) { server in
            let generation = try await OpenAITest.withModel(OpenAITest.configuration([server.endpoint])) { client in
                try await client.generate(TextGenerationRequest(prompt: "Hi", maxTokens: 4))
            }
            #expect(generation.text == " generated")
            #expect(await server.script.requests.count == 2)
        }
    }
}
