import TKEngine
import TKTokenizer

/// A `POST /v1/completions` body, checked field by field and turned into engine jobs.
///
/// `prompt` is a string, a list of strings, a list of token ids or a list of such lists (as
/// lm-evaluation-harness sends with a tokenizer); each prompt becomes one choice. Text is
/// tokenized with the model's BOS rule; `parse_special` (an extension, default false, as
/// `truthkit eval` scores) makes control-token text such as `<|im_start|>` single tokens.
struct CompletionRequest {
    var prompts: [[Int32]]
    /// The text of each prompt as echoed back (the decoded ids for token prompts).
    var promptTexts: [String]
    /// Whether each prompt's first token is a BOS the tokenizer added (it holds no prompt text).
    var addedBOS: [Bool]
    var fields: SamplingFields
    var maxTokens: Int
    var echo: Bool
    var logprobs: Int?
    var includeUsageInStream: Bool

    init(_ body: JSONValue, model: TransformerModel, configuration: ServerConfiguration) throws(APIError) {
        let f = try JSONFields(body)
        let tok = model.tokenizer
        guard let promptValue = f["prompt"] else {
            throw .invalid("`prompt` is required: a string, a list of strings, or token ids.", param: "prompt", code: "missing_field")
        }
        let parseSpecial = try f.bool("parse_special") ?? false
        let expected = "a string, an array of strings, an array of token ids or an array of arrays of token ids"
        func ids(_ items: [JSONValue]) throws(APIError) -> [Int32] {
            var out: [Int32] = []
            out.reserveCapacity(items.count)
            for item in items {
                guard case .int(let i) = item else { throw f.wrongType("prompt", expected) }
                guard i >= 0 && i < Int64(tok.vocabularySize) else {
                    throw .invalid("token id \(i) in `prompt` is outside the vocabulary (0..<\(tok.vocabularySize)).", param: "prompt", code: "invalid_value")
                }
                out.append(Int32(i))
            }
            return out
        }
        func encode(_ text: String) -> (ids: [Int32], bos: Bool) {
            let ids = tok.encode(text, addSpecial: true, parseSpecial: parseSpecial)
            return (ids, tok.addsBOS && tok.bosID != nil && ids.first == tok.bosID)
        }
        var prompts: [[Int32]] = [], texts: [String] = [], bos: [Bool] = []
        switch promptValue {
        case .string(let s):
            let e = encode(s)
            prompts = [e.ids]; texts = [s]; bos = [e.bos]
        case .array(let items) where items.isEmpty:
            throw .invalid("`prompt` is an empty list; send at least one prompt.", param: "prompt", code: "invalid_value")
        case .array(let items):
            switch items[0] {
            case .string:
                for item in items {
                    guard case .string(let s) = item else { throw f.wrongType("prompt", expected) }
                    let e = encode(s)
                    prompts.append(e.ids); texts.append(s); bos.append(e.bos)
                }
            case .int:
                let p = try ids(items)
                prompts = [p]; texts = [tok.decode(p)]; bos = [false]
            case .array:
                for item in items {
                    guard case .array(let inner) = item else { throw f.wrongType("prompt", expected) }
                    let p = try ids(inner)
                    prompts.append(p); texts.append(tok.decode(p)); bos.append(false)
                }
            default:
                throw f.wrongType("prompt", expected)
            }
        default:
            throw f.wrongType("prompt", expected)
        }
        guard prompts.count <= configuration.maxPromptsPerRequest else {
            throw .invalid("`prompt` holds \(prompts.count) prompts; at most \(configuration.maxPromptsPerRequest) are accepted per request.", param: "prompt", code: "invalid_value")
        }

        fields = try SamplingFields(f, maxTokensKeys: ["max_tokens"])
        echo = try f.bool("echo") ?? false
        if let n = try f.int("logprobs") {
            guard n >= 0 && n <= configuration.maxLogprobs else {
                throw .invalid("`logprobs` must be between 0 and \(configuration.maxLogprobs), got \(n).", param: "logprobs", code: "invalid_value")
            }
            logprobs = n
        }
        if f["suffix"] != nil {
            throw .invalid("`suffix` (insertion) is not supported; leave it out.", param: "suffix", code: "unsupported")
        }
        if let options = f["stream_options"] {
            let o = try JSONFields(options, what: "`stream_options`")
            includeUsageInStream = try o.bool("include_usage") ?? false
        } else {
            includeUsageInStream = false
        }

        // Limits: every prompt fits the context with the tokens asked for.
        let context = model.config.contextLength
        let promptLimit = min(configuration.maxPromptTokens ?? context, context)
        let longest = prompts.map(\.count).max() ?? 0
        for p in prompts {
            guard !p.isEmpty else {
                throw .invalid("A prompt tokenizes to no tokens; send at least one token of text.", param: "prompt", code: "invalid_value")
            }
            guard p.count <= promptLimit else {
                throw .invalid("The prompt has \(p.count) tokens; this server accepts at most \(promptLimit). Shorten it.", param: "prompt", code: "context_length_exceeded")
            }
        }
        if let m = fields.maxTokens {
            guard m <= configuration.maxCompletionTokens else {
                throw .invalid("`max_tokens` is \(m); this server generates at most \(configuration.maxCompletionTokens) tokens per request.", param: "max_tokens", code: "invalid_value")
            }
            guard longest + m <= context else {
                throw .invalid("This model's maximum context length is \(context) tokens. However, you requested \(longest + m) tokens (\(longest) in the prompt, \(m) for the completion). Reduce the prompt or `max_tokens`.",
                               param: "max_tokens", code: "context_length_exceeded")
            }
            maxTokens = m
        } else {
            // OpenAI's default is 16, cut to what the context leaves.
            maxTokens = min(16, configuration.maxCompletionTokens, context - longest)
        }
        self.prompts = prompts
        promptTexts = texts
        addedBOS = bos
    }

    var jobs: [EngineJob] {
        prompts.map {
            EngineJob(prompt: $0, maxTokens: maxTokens, sampling: fields.sampling, stopSequences: fields.stop,
                      promptLogprobs: echo && logprobs != nil, topLogprobs: logprobs)
        }
    }
}
