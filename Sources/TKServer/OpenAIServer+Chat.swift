import Hummingbird
import TKChatTemplate
import TKEngine
import TKOpenAIWire

extension OpenAIServer {
    /// `POST /v1/chat/completions`: the messages through the model's chat template, then
    /// generation; `stream` sends `chat.completion.chunk` deltas as server-sent events.
    func chatCompletions(_ request: Request) async throws -> Response {
        let body = try await jsonBody(request)
        try checkModel(try JSONFields(body))
        var req = try ChatCompletionRequest(body, configuration: configuration)
        let (template, problem) = chat
        try req.prepare(template: template, templateProblem: problem, model: model, configuration: configuration)
        let stream = try engine.submit([req.job])[0]
        let id = ResponseID.make("chatcmpl")
        let created = ResponseID.now
        let modelID = configuration.modelID
        let tokenizer = model.tokenizer
        @Sendable func entry(_ t: TokenLogprob) -> OpenAIWire.ChatLogprobs.Entry {
            OpenAIWire.ChatLogprobs.Entry(token: tokenizer.tokenText(t.id), logprob: Double(t.logprob ?? 0), bytes: tokenizer.tokenBytes(t.id),
                                          topLogprobs: t.top.map { .init(token: tokenizer.tokenText($0.id), logprob: Double($0.logprob), bytes: tokenizer.tokenBytes($0.id)) })
        }
        let wantsLogprobs = req.topLogprobs != nil
        if req.fields.stream {
            let includeUsage = req.includeUsageInStream
            return Response(status: .ok, headers: ServerSentEvents.headers, body: ResponseBody { writer in
                func chunk(_ delta: OpenAIWire.ChatMessage, _ logprobs: OpenAIWire.ChatLogprobs?, _ finish: String?) -> ByteBuffer {
                    ServerSentEvents.event(OpenAIWire.ChatResponse(id: id, object: "chat.completion.chunk", created: created, model: modelID,
                                                                   choices: [.init(delta: delta, logprobs: logprobs, finishReason: finish)]))
                }
                try await writer.write(chunk(.init(role: "assistant", content: ""), nil, nil))
                var pending = OpenAIWire.ChatLogprobs()
                var usage: JobUsage?
                for await event in stream {
                    switch event {
                    case .prompt: break
                    case .token(let t): if wantsLogprobs { pending.content.append(entry(t)) }
                    case .text(let s):
                        try await writer.write(chunk(.init(content: s), wantsLogprobs ? pending : nil, nil))
                        pending = OpenAIWire.ChatLogprobs()
                    case .finished(let reason, let u):
                        usage = u
                        try await writer.write(chunk(.init(), wantsLogprobs && !pending.content.isEmpty ? pending : nil, Self.finishReason(reason)))
                    case .failed(let message):
                        try await writer.write(ServerSentEvents.event(APIError.internalError("The engine failed: \(message)").body))
                    }
                }
                if includeUsage, let usage {
                    try await writer.write(ServerSentEvents.event(OpenAIWire.ChatResponse(id: id, object: "chat.completion.chunk", created: created,
                                                                                          model: modelID, choices: [], usage: OpenAIWire.Usage([usage]))))
                }
                try await writer.write(ServerSentEvents.done)
                try await writer.finish(nil)
            })
        }
        var text = ""
        var logprobs = OpenAIWire.ChatLogprobs()
        var finish: (FinishReason, JobUsage)?
        for await event in stream {
            switch event {
            case .prompt: break
            case .token(let t): if wantsLogprobs { logprobs.content.append(entry(t)) }
            case .text(let s): text += s
            case .finished(let reason, let usage): finish = (reason, usage)
            case .failed(let message): throw APIError.internalError("The engine failed: \(message)")
            }
        }
        guard let finish else { throw APIError.internalError("The engine stopped before finishing.") }
        return JSONResponse.make(OpenAIWire.ChatResponse(
            id: id, object: "chat.completion", created: created, model: modelID,
            choices: [.init(message: .init(role: "assistant", content: text), logprobs: wantsLogprobs ? logprobs : nil,
                            finishReason: Self.finishReason(finish.0))],
            usage: OpenAIWire.Usage([finish.1])))
    }

    /// The model's chat template, parsed (or why there is none).
    static func parseChatTemplate(_ model: TransformerModel) -> (ChatTemplate?, String?) {
        guard let source = model.tokenizer.chatTemplate else {
            return (nil, "This model has no chat template (tokenizer.chat_template); use /v1/completions with your own prompt format.")
        }
        do {
            return (try ChatTemplate(source: source), nil)
        } catch {
            return (nil, "This model's chat template cannot be rendered: \(error)")
        }
    }
}
