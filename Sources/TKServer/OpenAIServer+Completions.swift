import Hummingbird
import TKEngine
import TKOpenAIWire

extension OpenAIServer {
    /// `POST /v1/completions`.
    func completions(_ request: Request) async throws -> Response {
        let body = try await jsonBody(request)
        try checkModel(try JSONFields(body))
        let req = try CompletionRequest(body, model: model, configuration: configuration)
        if engine.hasDecodingRule && req.jobs.contains(where: \.promptLogprobs) {
            // Echoed prompt log-probabilities are the plain model's; under a decoding rule they would
            // silently disagree with the generated tokens' scores, so they are not served.
            throw APIError.invalid("This server generates with a decoding intervention; echoed prompt log-probabilities (echo with logprobs) are not available under it. Score with `truthkit eval --intervention`, or serve without one.", param: "echo")
        }
        let streams = try engine.submit(req.jobs)
        let id = ResponseID.make("cmpl")
        let created = ResponseID.now
        if req.fields.stream {
            return Response(status: .ok, headers: ServerSentEvents.headers, body: ResponseBody { writer in
                try await self.streamCompletion(req, streams: streams, id: id, created: created, writer: &writer)
            })
        }
        var choices: [OpenAIWire.CompletionChoice] = []
        var usages: [JobUsage] = []
        for (i, stream) in streams.enumerated() {
            var text = req.echo ? req.promptTexts[i] : ""
            var builder = req.logprobs == nil ? nil : LogprobsBuilder(tokenizer: model.tokenizer)
            var finish: FinishReason?
            for await event in stream {
                switch event {
                case .prompt(let lps):
                    for (j, t) in lps.enumerated() { builder?.append(t, holdsText: !(j == 0 && req.addedBOS[i])) }
                case .token(let t):
                    builder?.append(t)
                case .text(let s):
                    text += s
                case .finished(let reason, let usage):
                    finish = reason
                    usages.append(usage)
                case .failed(let message):
                    throw APIError.internalError("The engine failed on prompt \(i): \(message)")
                }
            }
            guard let finish else { throw APIError.internalError("The engine stopped before finishing prompt \(i).") }
            choices.append(.init(index: i, text: text, logprobs: builder?.value, finishReason: Self.finishReason(finish)))
        }
        return JSONResponse.make(OpenAIWire.CompletionResponse(id: id, created: created, model: configuration.modelID,
                                                               choices: choices, usage: OpenAIWire.Usage(usages)))
    }

    static func finishReason(_ reason: FinishReason) -> String {
        switch reason {
        case .stop, .endOfGeneration: "stop"
        case .length: "length"
        }
    }

    /// Streams each prompt's choice in turn: text chunks as they become final (with the
    /// log-probabilities of the tokens since the previous chunk), a last chunk with the finish
    /// reason, an optional usage chunk, then `[DONE]`.
    private func streamCompletion(_ req: CompletionRequest, streams: [AsyncStream<EngineEvent>], id: String, created: Int,
                                  writer: inout any ResponseBodyWriter) async throws {
        func chunk(_ index: Int, _ text: String, _ logprobs: OpenAIWire.CompletionLogprobs?, _ finish: String?) -> ByteBuffer {
            ServerSentEvents.event(OpenAIWire.CompletionResponse(id: id, created: created, model: configuration.modelID,
                                                                 choices: [.init(index: index, text: text, logprobs: logprobs, finishReason: finish)]))
        }
        var usages: [JobUsage] = []
        for (i, stream) in streams.enumerated() {
            // Offsets run across chunks, so keep one builder and send the new entries each time.
            var builder = req.logprobs == nil ? nil : LogprobsBuilder(tokenizer: model.tokenizer)
            var sent = 0
            func newLogprobs() -> OpenAIWire.CompletionLogprobs? {
                guard let all = builder?.value else { return nil }
                defer { sent = all.tokens.count }
                return all.suffix(from: sent)
            }
            if req.echo && !req.jobs[i].promptLogprobs {
                try await writer.write(chunk(i, req.promptTexts[i], nil, nil))
            }
            for await event in stream {
                switch event {
                case .prompt(let lps):
                    for (j, t) in lps.enumerated() { builder?.append(t, holdsText: !(j == 0 && req.addedBOS[i])) }
                    try await writer.write(chunk(i, req.promptTexts[i], newLogprobs(), nil))
                case .token(let t):
                    builder?.append(t)
                case .text(let s):
                    try await writer.write(chunk(i, s, newLogprobs(), nil))
                case .finished(let reason, let usage):
                    usages.append(usage)
                    try await writer.write(chunk(i, "", newLogprobs(), Self.finishReason(reason)))
                case .failed(let message):
                    try await writer.write(ServerSentEvents.event(APIError.internalError("The engine failed on prompt \(i): \(message)").body))
                }
            }
        }
        if req.includeUsageInStream {
            try await writer.write(ServerSentEvents.event(OpenAIWire.CompletionResponse(id: id, created: created, model: configuration.modelID,
                                                                                        choices: [], usage: OpenAIWire.Usage(usages))))
        }
        try await writer.write(ServerSentEvents.done)
        try await writer.finish(nil)
    }
}
