/// How the next token is chosen from logits.
///
/// `temperature == 0` is greedy (argmax, ties to the lowest id). Otherwise logits are divided by
/// the temperature, restricted to the `topK` most likely tokens (0 = all) and then to the smallest
/// set whose probability reaches `topP` (1 = all), and sampled with a generator seeded by `seed`.
public struct SamplingSettings: Sendable, Equatable, Codable {
    public var temperature: Double
    public var topK: Int
    public var topP: Double
    public var seed: UInt64

    public init(temperature: Double = 0, topK: Int = 0, topP: Double = 1, seed: UInt64 = 0) {
        self.temperature = temperature
        self.topK = topK
        self.topP = topP
        self.seed = seed
    }

    public static let greedy = SamplingSettings()

    public var isGreedy: Bool { temperature <= 0 }

    public func validate() throws {
        guard temperature >= 0, temperature.isFinite else { throw EngineError(.invalidRequest, "temperature must be ≥ 0, got \(temperature)") }
        guard topK >= 0 else { throw EngineError(.invalidRequest, "top-k must be ≥ 0 (0 = no limit), got \(topK)") }
        guard topP > 0, topP <= 1 else { throw EngineError(.invalidRequest, "top-p must be in (0, 1], got \(topP)") }
    }
}
