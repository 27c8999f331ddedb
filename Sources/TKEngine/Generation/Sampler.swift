import Foundation
import TKRandom

/// Picks tokens from logits according to `SamplingSettings`; owns the seeded generator.
public struct Sampler {
    public let settings: SamplingSettings
    private var random: SplitMix64

    public init(settings: SamplingSettings) {
        self.settings = settings
        random = SplitMix64(seed: settings.seed)
    }

    /// The chosen token id for one row of logits.
    public mutating func sample(_ logits: [Float]) -> Int32 {
        precondition(!logits.isEmpty, "no logits to sample from")
        if settings.isGreedy { return Self.argmax(logits) }
        let t = Float(settings.temperature)
        var candidates = logits.indices.map { (id: $0, logit: logits[$0] / t) }
        candidates.sort { $0.logit != $1.logit ? $0.logit > $1.logit : $0.id < $1.id }
        if settings.topK > 0 && settings.topK < candidates.count {
            candidates.removeSubrange(settings.topK...)
        }
        let maxLogit = candidates[0].logit
        var probs = candidates.map { Double(Foundation.exp($0.logit - maxLogit)) }
        let total = probs.reduce(0, +)
        for i in probs.indices { probs[i] /= total }
        if settings.topP < 1 {
            var cumulative = 0.0
            var keep = probs.count
            for (i, p) in probs.enumerated() {
                cumulative += p
                if cumulative >= settings.topP { keep = i + 1; break }
            }
            probs.removeSubrange(keep...)
            candidates.removeSubrange(keep...)
        }
        let mass = probs.reduce(0, +)
        var u = random.unitInterval() * mass
        for (i, p) in probs.enumerated() {
            u -= p
            if u < 0 { return Int32(candidates[i].id) }
        }
        return Int32(candidates[candidates.count - 1].id)
    }

    public static func argmax(_ logits: [Float]) -> Int32 {
        var best = 0
        for i in 1..<logits.count where logits[i] > logits[best] { best = i }
        return Int32(best)
    }
}
