import Foundation
import TKEvalCore
import TKOpenAIWire

extension OpenAIModel {
    /// Generates with `/v1/completions` or `/v1/chat/completions`, as the configuration says.
    ///
    /// `tokenCount` is the server's `usage.completion_tokens` (0 when the server sends no usage).
    public func generate(_ request: TextGenerationRequest) async throws -> TextGeneration {
        guard request.maxTokens >= 1 else {
            throw OpenAIError(.invalidRequest, "maxTokens must be at least 1 (it is \(request.maxTokens)).", item: "generation")
        }
        let model = configuration.model
        let api = configuration.api
        let path = api == .chat ? "chat/completions" : "completions"
        let stop = request.stop.isEmpty ? nil : request.stop
        return try await transport.perform(
            item: "generation", method: .post, path: path,
            body: { _ in
                switch api {
                case .completions:
                    return try JSONEncoder().encode(OpenAIWire.CompletionRequest(
                        model: model, prompt: request.prompt, maxTokens: request.maxTokens,
                        temperature: request.temperature, topP: request.topP, seed: request.seed, stop: stop
                    ))
                case .chat:
                    return try JSONEncoder().encode(OpenAIWire.ChatRequest(
                        model: model, messages: [.init(role: "user", content: request.prompt)], maxTokens: request.maxTokens,
                        temperature: request.temperature, topP: request.topP, seed: request.seed, stop: stop
                    ))
                }
            },
            decode: { answer in
                try Self.decodeGeneration(answer, api: api, path: path, hasStops: stop != nil)
            }
        )
    }

    static func decodeGeneration(_ answer: OpenAITransport.Answer, api: OpenAIAPI, path: String, hasStops: Bool) throws -> TextGeneration {
        let endpoint = answer.endpoint
        func malformed(_ what: String, _ cause: (any Error)? = nil) -> OpenAITransport.Retryable {
            OpenAITransport.Retryable(error: OpenAIError(
                .malformedResponse, "\(endpoint.absoluteString) answered /\(path) with \(what): " + preview(answer.body),
                endpoint: endpoint, status: 200, cause: cause
            ))
        }
        let decoder = JSONDecoder()
        let text: String
        let usage: OpenAIWire.Usage?
        let finish: OpenAIWire.Finish
        do {
            switch api {
            case .completions:
                let response = try decoder.decode(OpenAIWire.CompletionResponse.self, from: answer.body)
                guard let first = response.choices.first, let firstText = first.text else { throw malformed("no choice text") }
                text = firstText
                usage = response.usage
                finish = first.finish
            case .chat:
                let response = try decoder.decode(OpenAIWire.ChatResponse.self, from: answer.body)
                guard let first = response.choices.first, let message = first.message else { throw malformed("no choices") }
                text = message.content ?? ""
                usage = response.usage
                finish = first.finish
            }
        } catch let error as OpenAITransport.Retryable {
            throw error
        } catch {
            throw malformed("a body that is not a completion (\(decodingSummary(error)))", error)
        }
        return TextGeneration(
            text: text, finishReason: finishReason(finish, hasStops: hasStops), tokenCount: usage?.completionTokens ?? 0
        )
    }

    /// `length` is `.length`. `stop` is ambiguous in the OpenAI API (a stop sequence or the end
    /// of sequence); vLLM's `stop_reason` tells them apart (the matched string, or null/a token
    /// id for the end of sequence). Without it, a request with stop sequences reports `.stop`
    /// and one without reports `.endOfGeneration`. Other reasons (`content_filter`, tool calls)
    /// are reported as `.stop`.
    static func finishReason(_ finish: OpenAIWire.Finish, hasStops: Bool) -> TextGeneration.FinishReason {
        switch finish.finishReason {
        case "length":
            return .length
        case "stop", "eos", nil:
            switch finish.stopReason {
            case .some(.some): return .stop
            case .some(.none): return .endOfGeneration
            case .none: return hasStops ? .stop : .endOfGeneration
            }
        default:
            return .stop
        }
    }
}
