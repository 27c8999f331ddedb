import Foundation

/// The JSON bodies of the OpenAI API that this client sends and reads, with the API's own
/// snake_case names. Only the fields the client uses are decoded; servers add many more.
enum OpenAIWire {
    /// `POST /v1/completions`.
    struct CompletionRequest: Encodable {
        var model: String
        var prompt: String
        var maxTokens: Int
        var echo: Bool?
        var logprobs: Int?
        var temperature: Double?
        var topP: Double?
        var seed: UInt64?
        var stop: [String]?

        enum CodingKeys: String, CodingKey {
            case model, prompt, echo, logprobs, temperature, seed, stop
            case maxTokens = "max_tokens"
            case topP = "top_p"
        }
    }

    /// `POST /v1/chat/completions`, the prompt as a single user message.
    struct ChatRequest: Encodable {
        struct Message: Encodable {
            var role: String
            var content: String
        }

        var model: String
        var messages: [Message]
        var maxTokens: Int
        var temperature: Double
        var topP: Double
        var seed: UInt64?
        var stop: [String]?

        enum CodingKeys: String, CodingKey {
            case model, messages, temperature, seed, stop
            case maxTokens = "max_tokens"
            case topP = "top_p"
        }
    }

    /// The legacy `logprobs` object of a completion choice: parallel arrays, one entry per token.
    struct Logprobs: Decodable {
        var tokens: [String]
        /// Null for the first prompt token, which has nothing to be predicted from.
        var tokenLogprobs: [Double?]
        /// The most likely tokens at each position with their log-probabilities (null for the first).
        var topLogprobs: [[String: Double]?]?
        /// Where each token's text starts, in characters (Python string indices = Unicode scalars)
        /// of the echoed text.
        var textOffset: [Int]

        enum CodingKeys: String, CodingKey {
            case tokens
            case tokenLogprobs = "token_logprobs"
            case topLogprobs = "top_logprobs"
            case textOffset = "text_offset"
        }
    }

    /// How a choice ended: `finish_reason`, and vLLM's `stop_reason` (the stop string that matched,
    /// a stop token id, or null for end of sequence) — kept apart from "absent".
    struct Finish: Decodable {
        var finishReason: String?
        /// nil: the server sends no `stop_reason`; `.some(nil)`: it sent null.
        var stopReason: String??

        enum CodingKeys: String, CodingKey {
            case finishReason = "finish_reason"
            case stopReason = "stop_reason"
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            finishReason = try container.decodeIfPresent(String.self, forKey: .finishReason)
            if container.contains(.stopReason) {
                if try container.decodeNil(forKey: .stopReason) {
                    stopReason = .some(nil)
                } else if let text = try? container.decode(String.self, forKey: .stopReason) {
                    stopReason = .some(text)
                } else {
                    // A stop token id: the model ended on a token, which is end of generation.
                    stopReason = .some(nil)
                }
            } else {
                stopReason = nil
            }
        }
    }

    struct CompletionChoice: Decodable {
        var text: String?
        var logprobs: Logprobs?
        var index: Int?
    }

    struct Usage: Decodable {
        var promptTokens: Int?
        var completionTokens: Int?

        enum CodingKeys: String, CodingKey {
            case promptTokens = "prompt_tokens"
            case completionTokens = "completion_tokens"
        }
    }

    struct CompletionResponse: Decodable {
        var choices: [CompletionChoice]
        var usage: Usage?
    }

    struct ChatMessage: Decodable {
        var content: String?
    }

    struct ChatChoice: Decodable {
        var message: ChatMessage
    }

    struct ChatResponse: Decodable {
        var choices: [ChatChoice]
        var usage: Usage?
    }

    /// `GET /v1/models`.
    struct ModelList: Decodable {
        struct Entry: Decodable, Sendable {
            var id: String
            var created: Int?
            var ownedBy: String?

            enum CodingKeys: String, CodingKey {
                case id, created
                case ownedBy = "owned_by"
            }
        }

        var data: [Entry]
    }

    /// The error text in a failed response, whichever shape the server uses: OpenAI's
    /// `{"error": {"message": …}}`, vLLM's `{"message": …}`, FastAPI's `{"detail": …}`, or the
    /// start of a non-JSON body.
    static func errorMessage(in body: Data) -> String? {
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
