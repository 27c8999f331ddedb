/// `POST /v1/chat/completions` response and stream chunk bodies.
struct ChatCompletionResponse: Encodable {
    struct Message: Encodable {
        var role: String?
        var content: String?
    }

    struct Choice: Encodable {
        var index = 0
        var message: Message?
        var delta: Message?
        var logprobs: ChatLogprobs?
        var finish_reason: String?

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(index, forKey: .index)
            try c.encodeIfPresent(message, forKey: .message)
            try c.encodeIfPresent(delta, forKey: .delta)
            try c.encode(logprobs, forKey: .logprobs)
            try c.encode(finish_reason, forKey: .finish_reason)
        }

        enum CodingKeys: String, CodingKey { case index, message, delta, logprobs, finish_reason }
    }

    var id: String
    var object: String
    var created: Int
    var model: String
    var choices: [Choice]
    var usage: Usage?
}

/// Chat `logprobs`: one entry per generated token with its alternatives.
struct ChatLogprobs: Encodable {
    struct Entry: Encodable {
        var token: String
        var logprob: Double
        var bytes: [UInt8]
        var top_logprobs: [Alternative]
    }

    struct Alternative: Encodable {
        var token: String
        var logprob: Double
        var bytes: [UInt8]
    }

    var content: [Entry] = []
}
