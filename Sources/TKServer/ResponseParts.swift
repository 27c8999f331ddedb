import Foundation
import TKOpenAIWire

extension OpenAIWire.Usage {
    /// The `usage` block for jobs that ran together (a list prompt's prompts).
    init(_ jobs: [JobUsage]) {
        let prompt = jobs.map(\.promptTokens).reduce(0, +), completion = jobs.map(\.completionTokens).reduce(0, +)
        self.init(promptTokens: prompt, completionTokens: completion, totalTokens: prompt + completion,
                  promptTokensDetails: .init(cachedTokens: jobs.map(\.cachedPromptTokens).reduce(0, +)))
    }
}

enum ResponseID {
    static func make(_ prefix: String) -> String {
        prefix + "-" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(24)
    }

    static var now: Int { Int(Date().timeIntervalSince1970) }
}
