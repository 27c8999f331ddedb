import Foundation

/// The JSON bodies of the OpenAI API, with the API's own snake_case names — one definition for
/// both sides: the client (`OpenAIModel`) encodes requests and decodes responses, the server
/// (`truthkit serve`) encodes responses, so a field cannot be spelled one way on one side and
/// another way on the other. Decoding is lenient (servers add fields and leave some out);
/// encoding writes what OpenAI writes (explicit `null` where OpenAI sends one).
public enum OpenAIWire {}

extension OpenAIWire {
    /// `POST /v1/completions`.
    public struct CompletionRequest: Codable, Sendable {
        public var model: String
        public var prompt: String
        public var maxTokens: Int
        public var echo: Bool?
        public var logprobs: Int?
        public var temperature: Double?
        public var topP: Double?
        public var seed: UInt64?
        public var stop: [String]?

        public init(model: String, prompt: String, maxTokens: Int, echo: Bool? = nil, logprobs: Int? = nil, temperature: Double? = nil,
                    topP: Double? = nil, seed: UInt64? = nil, stop: [String]? = nil) {
            self.model = model
            self.prompt = prompt
            self.maxTokens = maxTokens
            self.echo = echo
            self.logprobs = logprobs
            self.temperature = temperature
            self.topP = topP
            self.seed = seed
            self.stop = stop
        }

        enum CodingKeys: String, CodingKey {
            case model, prompt, echo, logprobs, temperature, seed, stop
            case maxTokens = "max_tokens"
            case topP = "top_p"
        }
    }

    /// `POST /v1/chat/completions`.
    public struct ChatRequest: Codable, Sendable {
        public var model: String
        public var messages: [ChatMessage]
        public var maxTokens: Int
        public var temperature: Double
        public var topP: Double
        public var seed: UInt64?
        public var stop: [String]?

        public init(model: String, messages: [ChatMessage], maxTokens: Int, temperature: Double, topP: Double,
                    seed: UInt64? = nil, stop: [String]? = nil) {
            self.model = model
            self.messages = messages
            self.maxTokens = maxTokens
            self.temperature = temperature
            self.topP = topP
            self.seed = seed
            self.stop = stop
        }

        enum CodingKeys: String, CodingKey {
            case model, messages, temperature, seed, stop
            case maxTokens = "max_tokens"
            case topP = "top_p"
        }
    }

    /// The legacy completions `logprobs` object: parallel arrays, one entry per token.
    ///
    /// Encoded log-probabilities are the exact value of the engine's float32 (as a double, all the
    /// digits that take): Foundation's encoder writes doubles with 15 significant digits, hence the
    /// `Decimal` built from Swift's shortest exact text.
    public struct CompletionLogprobs: Codable, Sendable, Equatable {
        public var tokens: [String]
        /// Null for the first prompt token, which has nothing to be predicted from.
        public var tokenLogprobs: [Double?]
        /// The most likely tokens at each position with their log-probabilities (null for the first);
        /// some servers leave the whole array out.
        public var topLogprobs: [[String: Double]?]?
        /// Where each token's text starts, in characters (Python string indices = Unicode scalars).
        public var textOffset: [Int]

        public init(tokens: [String] = [], tokenLogprobs: [Double?] = [], topLogprobs: [[String: Double]?]? = [], textOffset: [Int] = []) {
            self.tokens = tokens
            self.tokenLogprobs = tokenLogprobs
            self.topLogprobs = topLogprobs
            self.textOffset = textOffset
        }

        enum CodingKeys: String, CodingKey {
            case tokens
            case tokenLogprobs = "token_logprobs"
            case topLogprobs = "top_logprobs"
            case textOffset = "text_offset"
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(tokens, forKey: .tokens)
            var lps = c.nestedUnkeyedContainer(forKey: .tokenLogprobs)
            for v in tokenLogprobs { if let v { try lps.encode(Self.exact(v)) } else { try lps.encodeNil() } }
            var tops = c.nestedUnkeyedContainer(forKey: .topLogprobs)
            for v in topLogprobs ?? [] {
                if let v { try tops.encode(v.mapValues(Self.exact)) } else { try tops.encodeNil() }
            }
            try c.encode(textOffset, forKey: .textOffset)
        }

        /// `value` as a decimal with every digit of its shortest exact text.
        public static func exact(_ value: Double) -> Decimal {
            value.isFinite ? (Decimal(string: "\(value)") ?? Decimal(value)) : Decimal(-1e30)
        }

        /// Entries from `start` on (a streamed chunk sends only what is new).
        public func suffix(from start: Int) -> CompletionLogprobs {
            CompletionLogprobs(tokens: Array(tokens[start...]), tokenLogprobs: Array(tokenLogprobs[start...]),
                               topLogprobs: topLogprobs.map { Array($0[start...]) }, textOffset: Array(textOffset[start...]))
        }
    }

    /// Token counts.
    public struct Usage: Codable, Sendable, Equatable {
        public struct PromptTokensDetails: Codable, Sendable, Equatable {
            public var cachedTokens: Int?
            public init(cachedTokens: Int?) { self.cachedTokens = cachedTokens }
            enum CodingKeys: String, CodingKey { case cachedTokens = "cached_tokens" }
        }

        public var promptTokens: Int?
        public var completionTokens: Int?
        public var totalTokens: Int?
        public var promptTokensDetails: PromptTokensDetails?

        public init(promptTokens: Int?, completionTokens: Int?, totalTokens: Int? = nil, promptTokensDetails: PromptTokensDetails? = nil) {
            self.promptTokens = promptTokens
            self.completionTokens = completionTokens
            self.totalTokens = totalTokens
            self.promptTokensDetails = promptTokensDetails
        }

        enum CodingKeys: String, CodingKey {
            case promptTokens = "prompt_tokens"
            case completionTokens = "completion_tokens"
            case totalTokens = "total_tokens"
            case promptTokensDetails = "prompt_tokens_details"
        }
    }

    /// How a choice ended: `finish_reason`, and vLLM's `stop_reason` (the stop string that matched,
    /// a stop token id, or null for end of sequence) — kept apart from "absent".
    public struct Finish: Sendable, Equatable {
        public var finishReason: String?
        /// nil: the server sent no `stop_reason`; `.some(nil)`: it sent null (or a token id).
        public var stopReason: String??

        public init(finishReason: String?, stopReason: String?? = nil) {
            self.finishReason = finishReason
            self.stopReason = stopReason
        }

        static func decode<K: CodingKey>(from c: KeyedDecodingContainer<K>, finish: K, stop: K) throws -> Finish {
            var result = Finish(finishReason: try c.decodeIfPresent(String.self, forKey: finish))
            if c.contains(stop) {
                if try c.decodeNil(forKey: stop) {
                    result.stopReason = .some(nil)
                } else if let text = try? c.decode(String.self, forKey: stop) {
                    result.stopReason = .some(text)
                } else {
                    // A stop token id: the model ended on a token, which is end of generation.
                    result.stopReason = .some(nil)
                }
            }
            return result
        }
    }

    /// One choice of a completions response (or of a streamed chunk).
    public struct CompletionChoice: Codable, Sendable {
        public var index: Int?
        public var text: String?
        public var logprobs: CompletionLogprobs?
        public var finish: Finish

        public init(index: Int, text: String, logprobs: CompletionLogprobs?, finishReason: String?) {
            self.index = index
            self.text = text
            self.logprobs = logprobs
            finish = Finish(finishReason: finishReason)
        }

        enum CodingKeys: String, CodingKey {
            case index, text, logprobs
            case finishReason = "finish_reason"
            case stopReason = "stop_reason"
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            index = try c.decodeIfPresent(Int.self, forKey: .index)
            text = try c.decodeIfPresent(String.self, forKey: .text)
            logprobs = try c.decodeIfPresent(CompletionLogprobs.self, forKey: .logprobs)
            finish = try Finish.decode(from: c, finish: .finishReason, stop: .stopReason)
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(index ?? 0, forKey: .index)
            try c.encode(text ?? "", forKey: .text)
            try c.encode(logprobs, forKey: .logprobs)  // null when not asked for, as OpenAI
            try c.encode(finish.finishReason, forKey: .finishReason)
        }
    }

    /// `POST /v1/completions` response (also each streamed chunk, with `usage` nil).
    public struct CompletionResponse: Codable, Sendable {
        public var id: String?
        public var object: String?
        public var created: Int?
        public var model: String?
        public var choices: [CompletionChoice]
        public var usage: Usage?

        public init(id: String, created: Int, model: String, choices: [CompletionChoice], usage: Usage? = nil) {
            self.id = id
            object = "text_completion"
            self.created = created
            self.model = model
            self.choices = choices
            self.usage = usage
        }
    }

    /// A chat message (a request's message, a response's `message` or a stream's `delta`).
    public struct ChatMessage: Codable, Sendable, Equatable {
        public var role: String?
        public var content: String?

        public init(role: String? = nil, content: String? = nil) {
            self.role = role
            self.content = content
        }
    }

    /// Chat `logprobs`: one entry per generated token with its alternatives.
    public struct ChatLogprobs: Codable, Sendable, Equatable {
        public struct Alternative: Codable, Sendable, Equatable {
            public var token: String
            public var logprob: Double
            public var bytes: [UInt8]?

            public init(token: String, logprob: Double, bytes: [UInt8]?) {
                self.token = token
                self.logprob = logprob
                self.bytes = bytes
            }
        }

        public struct Entry: Codable, Sendable, Equatable {
            public var token: String
            public var logprob: Double
            public var bytes: [UInt8]?
            public var topLogprobs: [Alternative]

            public init(token: String, logprob: Double, bytes: [UInt8]?, topLogprobs: [Alternative]) {
                self.token = token
                self.logprob = logprob
                self.bytes = bytes
                self.topLogprobs = topLogprobs
            }

            enum CodingKeys: String, CodingKey {
                case token, logprob, bytes
                case topLogprobs = "top_logprobs"
            }
        }

        public var content: [Entry]

        public init(content: [Entry] = []) { self.content = content }
    }

    /// One choice of a chat response: `message`, or `delta` in a streamed chunk.
    public struct ChatChoice: Codable, Sendable {
        public var index: Int?
        public var message: ChatMessage?
        public var delta: ChatMessage?
        public var logprobs: ChatLogprobs?
        public var finish: Finish

        public init(index: Int = 0, message: ChatMessage? = nil, delta: ChatMessage? = nil, logprobs: ChatLogprobs? = nil,
                    finishReason: String? = nil) {
            self.index = index
            self.message = message
            self.delta = delta
            self.logprobs = logprobs
            finish = Finish(finishReason: finishReason)
        }

        enum CodingKeys: String, CodingKey {
            case index, message, delta, logprobs
            case finishReason = "finish_reason"
            case stopReason = "stop_reason"
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            index = try c.decodeIfPresent(Int.self, forKey: .index)
            message = try c.decodeIfPresent(ChatMessage.self, forKey: .message)
            delta = try c.decodeIfPresent(ChatMessage.self, forKey: .delta)
            logprobs = try c.decodeIfPresent(ChatLogprobs.self, forKey: .logprobs)
            finish = try Finish.decode(from: c, finish: .finishReason, stop: .stopReason)
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(index ?? 0, forKey: .index)
            try c.encodeIfPresent(message, forKey: .message)
            try c.encodeIfPresent(delta, forKey: .delta)
            try c.encode(logprobs, forKey: .logprobs)
            try c.encode(finish.finishReason, forKey: .finishReason)
        }
    }

    /// `POST /v1/chat/completions` response and stream chunk bodies.
    public struct ChatResponse: Codable, Sendable {
        public var id: String?
        public var object: String?
        public var created: Int?
        public var model: String?
        public var choices: [ChatChoice]
        public var usage: Usage?

        public init(id: String, object: String, created: Int, model: String, choices: [ChatChoice], usage: Usage? = nil) {
            self.id = id
            self.object = object
            self.created = created
            self.model = model
            self.choices = choices
            self.usage = usage
        }
    }

    /// `GET /v1/models`.
    public struct ModelList: Codable, Sendable {
        public struct Entry: Codable, Sendable, Equatable {
            public var id: String
            public var object: String?
            public var created: Int?
            public var ownedBy: String?
            public var maxModelLen: Int?

            public init(id: String, object: String? = "model", created: Int? = nil, ownedBy: String? = nil, maxModelLen: Int? = nil) {
                self.id = id
                self.object = object
                self.created = created
                self.ownedBy = ownedBy
                self.maxModelLen = maxModelLen
            }

            enum CodingKeys: String, CodingKey {
                case id, object, created
                case ownedBy = "owned_by"
                case maxModelLen = "max_model_len"
            }
        }

        public var object: String?
        public var data: [Entry]

        public init(data: [Entry]) {
            object = "list"
            self.data = data
        }
    }

    /// The error text in a failed response, whichever shape the server uses: OpenAI's
    /// `{"error": {"message": …}}`, vLLM's `{"message": …}`, FastAPI's `{"detail": …}`, or the
    /// start of a non-JSON body.
    public static func errorMessage(in body: Data) -> String? {
        if let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any] {
            if let error = object["error"] as? [String: Any], let message = error["message"] as? String { return message }
            if let message = object["error"] as? String { return message }
            if let message = object["message"] as? String { return message }
            if let detail = object["detail"] as? String { return detail }
            if let detail = object["detail"], JSONSerialization.isValidJSONObject(detail),
               let data = try? JSONSerialization.data(withJSONObject: detail), let text = String(data: data, encoding: .utf8)
            {
                return text
            }
        }
        let text = String(decoding: body.prefix(300), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return text.isEmpty ? nil : text
    }
}
