/// A prompt and how to continue it.
public struct TextGenerationRequest: Sendable, Codable, Equatable {
    public var prompt: String
    public var maxTokens: Int
    public var stop: [String]
    /// 0 is greedy.
    public var temperature: Double
    public var topP: Double
    public var seed: UInt64

    public init(prompt: String, maxTokens: Int = 64, stop: [String] = [], temperature: Double = 0, topP: Double = 1, seed: UInt64 = 0) {
        self.prompt = prompt
        self.maxTokens = maxTokens
        self.stop = stop
        self.temperature = temperature
        self.topP = topP
        self.seed = seed
    }
}

/// Generated text and why it ended.
public struct TextGeneration: Sendable, Codable, Equatable {
    public enum FinishReason: String, Sendable, Codable {
        case stop, endOfGeneration = "eos", length
    }

    public var text: String
    public var finishReason: FinishReason
    public var tokenCount: Int

    public init(text: String, finishReason: FinishReason, tokenCount: Int) {
        self.text = text
        self.finishReason = finishReason
        self.tokenCount = tokenCount
    }
}
