import TKChatTemplate
import TKEngine

/// A `POST /v1/chat/completions` body: `messages` rendered through the model's chat template
/// (with the generation prompt), then generated from like a completion.
struct ChatCompletionRequest {
    var messages: [ChatMessage]
    var fields: SamplingFields
    var maxTokens: Int
    var prompt: [Int32] = []
    /// Alternatives per generated token; nil = no log-probabilities (`logprobs: false`).
    var topLogprobs: Int?
    var includeUsageInStream: Bool

    init(_ body: JSONValue, configuration: ServerConfiguration) throws(APIError) {
        let f = try JSONFields(body)
        guard case .array(let items)? = f["messages"], !items.isEmpty else {
            throw f["messages"] == nil
                ? .invalid("`messages` is required: a non-empty list of {\"role\", \"content\"}.", param: "messages", code: "missing_field")
                : f.wrongType("messages", "a non-empty array of messages")
        }
        var messages: [ChatMessage] = []
        for (i, item) in items.enumerated() {
            let m = try JSONFields(item, what: "`messages[\(i)]`")
            guard let role = try m.string("role") else {
                throw .invalid("`messages[\(i)].role` is required (system, user or assistant).", param: "messages", code: "missing_field")
            }
            let content: String
            switch m["content"] {
            case .string(let s)?: content = s
            case nil: content = ""
            case .array(let parts)?:
                // The list form: only text parts can be served by a text model.
                var text = ""
                for part in parts {
                    let p = try JSONFields(part, what: "a content part of `messages[\(i)]`")
                    guard try p.string("type") == "text", let t = try p.string("text") else {
                        throw .invalid("`messages[\(i)].content` may only hold {\"type\": \"text\", \"text\": …} parts for this text-only model.", param: "messages", code: "unsupported")
                    }
                    text += t
                }
                content = text
            default:
                throw .invalid("`messages[\(i)].content` must be a string or a list of text parts.", param: "messages", code: "invalid_type")
            }
            messages.append(ChatMessage(role: role, content: content))
        }
        self.messages = messages
        fields = try SamplingFields(f, maxTokensKeys: ["max_tokens", "max_completion_tokens"])
        if try f.bool("logprobs") == true {
            let n = try f.int("top_logprobs") ?? 0
            guard n >= 0 && n <= configuration.maxLogprobs else {
                throw .invalid("`top_logprobs` must be between 0 and \(configuration.maxLogprobs), got \(n).", param: "top_logprobs", code: "invalid_value")
            }
            topLogprobs = n
        }
        if let options = f["stream_options"] {
            includeUsageInStream = try JSONFields(options, what: "`stream_options`").bool("include_usage") ?? false
        } else {
            includeUsageInStream = false
        }
        maxTokens = 0
    }

    /// Renders and tokenizes the conversation and checks the limits.
    mutating func prepare(template: ChatTemplate?, templateProblem: String?, model: TransformerModel,
                          configuration: ServerConfiguration) throws(APIError) {
        guard let template else {
            throw .invalid(templateProblem ?? "This model has no chat template; use /v1/completions with your own prompt format.", code: "no_chat_template")
        }
        let tok = model.tokenizer
        let bos = tok.bosID.map(tok.tokenText) ?? ""
        let text: String
        do {
            text = try template.render(messages: messages, addGenerationPrompt: true, bosToken: bos,
                                       eosToken: tok.eosID.map(tok.tokenText) ?? "")
        } catch {
            throw .invalid("The chat template refused these messages: \(error)", param: "messages", code: "invalid_messages")
        }
        // The template writes control tokens as text; a BOS it wrote itself is not added again.
        prompt = tok.encode(text, addSpecial: bos.isEmpty || !text.hasPrefix(bos), parseSpecial: true)
        let context = model.config.contextLength
        let limit = min(configuration.maxPromptTokens ?? context, context)
        guard !prompt.isEmpty, prompt.count < limit else {
            throw .invalid("The conversation renders to \(prompt.count) tokens; this server accepts fewer than \(limit). Shorten it.", param: "messages", code: "context_length_exceeded")
        }
        if let m = fields.maxTokens {
            guard m <= configuration.maxCompletionTokens else {
                throw .invalid("`max_tokens` is \(m); this server generates at most \(configuration.maxCompletionTokens) tokens per request.", param: "max_tokens", code: "invalid_value")
            }
            guard prompt.count + m <= context else {
                throw .invalid("This model's maximum context length is \(context) tokens. However, you requested \(prompt.count + m) tokens (\(prompt.count) in the messages, \(m) for the completion).", param: "max_tokens", code: "context_length_exceeded")
            }
            maxTokens = m
        } else {
            maxTokens = min(configuration.maxCompletionTokens, context - prompt.count)
        }
    }

    var job: EngineJob {
        EngineJob(prompt: prompt, maxTokens: maxTokens, sampling: fields.sampling, stopSequences: fields.stop, topLogprobs: topLogprobs)
    }
}
