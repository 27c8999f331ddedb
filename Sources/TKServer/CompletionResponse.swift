import Foundation

/// `POST /v1/completions` response body (also each streamed chunk, with `usage` nil).
struct CompletionResponse: Encodable {
    struct Choice: Encodable {
        var index: Int
        var text: String
        var logprobs: CompletionLogprobs?
        var finish_reason: String?

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(index, forKey: .index)
            try c.encode(text, forKey: .text)
            try c.encode(logprobs, forKey: .logprobs)  // null when not asked for, as OpenAI
            try c.encode(finish_reason, forKey: .finish_reason)
        }

        enum CodingKeys: String, CodingKey { case index, text, logprobs, finish_reason }
    }

    var id: String
    var object = "text_completion"
    var created: Int
    var model: String
    var choices: [Choice]
    var usage: Usage?
}

/// The legacy completions `logprobs` object: parallel arrays over tokens. Log-probabilities are
/// written as the exact value of the engine's float32 (as a double, all the digits that take), so
/// clients get the numbers the engine computed, not a rounding of them: Foundation's encoder writes
/// doubles with 15 significant digits, hence the `Decimal` built from Swift's shortest exact text.
struct CompletionLogprobs: Encodable {
    var tokens: [String] = []
    var token_logprobs: [Double?] = []
    var top_logprobs: [[String: Double]?] = []
    var text_offset: [Int] = []

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(tokens, forKey: .tokens)
        var lps = c.nestedUnkeyedContainer(forKey: .token_logprobs)
        for v in token_logprobs { if let v { try lps.encode(Self.exact(v)) } else { try lps.encodeNil() } }
        var tops = c.nestedUnkeyedContainer(forKey: .top_logprobs)
        for v in top_logprobs {
            if let v { try tops.encode(v.mapValues(Self.exact)) } else { try tops.encodeNil() }
        }
        try c.encode(text_offset, forKey: .text_offset)
    }

    enum CodingKeys: String, CodingKey { case tokens, token_logprobs, top_logprobs, text_offset }

    /// `value` as a decimal with every digit of its shortest exact text.
    static func exact(_ value: Double) -> Decimal {
        value.isFinite ? (Decimal(string: "\(value)") ?? Decimal(value)) : Decimal(-1e30)
    }
}

struct Usage: Encodable {
    struct PromptDetails: Encodable { var cached_tokens: Int }
    var prompt_tokens: Int
    var completion_tokens: Int
    var total_tokens: Int
    var prompt_tokens_details: PromptDetails

    init(_ jobs: [JobUsage]) {
        prompt_tokens = jobs.map(\.promptTokens).reduce(0, +)
        completion_tokens = jobs.map(\.completionTokens).reduce(0, +)
        total_tokens = prompt_tokens + completion_tokens
        prompt_tokens_details = PromptDetails(cached_tokens: jobs.map(\.cachedPromptTokens).reduce(0, +))
    }
}

enum ResponseID {
    static func make(_ prefix: String) -> String {
        prefix + "-" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(24)
    }

    static var now: Int { Int(Date().timeIntervalSince1970) }
}
