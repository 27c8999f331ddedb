import Foundation
import Testing
import TKRandom
@testable import TKEngine

/// The sampler sorts only the head of the distribution; these tests hold it to the full-sort
/// algorithm it replaced (written out below as the reference), token for token, including draws,
/// top-k and top-p cuts that reach past the head (forced with a narrow head).
@Suite struct SamplerOrderTests {
    /// The reference: sort every candidate by scaled logit (ties to the lower id), cut to top-k,
    /// normalise, cut to top-p, draw once and walk.
    struct FullSortSampler {
        let settings: SamplingSettings
        var random: SplitMix64
        init(settings: SamplingSettings) { self.settings = settings; random = SplitMix64(seed: settings.seed) }

        mutating func sample(_ logits: [Float]) -> Int32 {
            let t = Float(settings.temperature)
            var candidates = logits.indices.map { (id: $0, logit: logits[$0] / t) }
            candidates.sort { $0.logit != $1.logit ? $0.logit > $1.logit : $0.id < $1.id }
            if settings.topK > 0 && settings.topK < candidates.count { candidates.removeSubrange(settings.topK...) }
            let maxLogit = candidates[0].logit
            var probs = candidates.map { Double(Foundation.exp($0.logit - maxLogit)) }
            let total = probs.reduce(0, +)
            for i in probs.indices { probs[i] /= total }
            if settings.topP < 1 {
                var cumulative = 0.0, keep = probs.count
                for (i, p) in probs.enumerated() {
                    cumulative += p
                    if cumulative >= settings.topP { keep = i + 1; break }
                }
                probs.removeSubrange(keep...)
                candidates.removeSubrange(keep...)
            }
            var u = random.unitInterval() * probs.reduce(0, +)
            for (i, p) in probs.enumerated() {
                u -= p
                if u < 0 { return Int32(candidates[i].id) }
            }
            return Int32(candidates[candidates.count - 1].id)
        }
    }

    static func randomLogits(_ count: Int, spread: Float, ties: Bool, _ g: inout SplitMix64) -> [Float] {
        (0..<count).map { _ in
            let x = Float(g.unitInterval() * 2 - 1) * spread
            return ties ? x.rounded() : x
        }
    }

    @Test(arguments: [Float(18), 2, 0.25])
    func matchesTheFullSortReference(headWidth: Float) {
        var g = SplitMix64(seed: 2024)
        let settingsList = [
            SamplingSettings(temperature: 1, seed: 1),
            SamplingSettings(temperature: 0.1, seed: 2),
            SamplingSettings(temperature: 1.7, seed: 3),
            SamplingSettings(temperature: 0.8, topK: 5, seed: 4),
            SamplingSettings(temperature: 1, topK: 300, seed: 5),
            SamplingSettings(temperature: 1, topP: 0.9, seed: 6),
            SamplingSettings(temperature: 1.3, topP: 0.999, seed: 7),
            SamplingSettings(temperature: 0.7, topK: 40, topP: 0.95, seed: 8),
        ]
        var draws = 0, distinct = Set<Int32>()
        for settings in settingsList {
            var fast = Sampler(settings: settings, headWidth: headWidth)
            var reference = FullSortSampler(settings: settings)
            for round in 0..<60 {
                let logits = Self.randomLogits(round % 2 == 0 ? 500 : 37, spread: round % 3 == 0 ? 30 : 4,
                                               ties: round % 4 == 1, &g)
                let a = fast.sample(logits), b = reference.sample(logits)
                #expect(a == b, "settings \(settings), round \(round)")
                draws += 1
                distinct.insert(a)
            }
        }
        #expect(draws == 480)
        #expect(distinct.count > 50)  // the draws are spread, not one token again and again
    }

    @Test func narrowHeadStillReachesTheTail() {
        // Flat logits: with a head 0.01 nats wide almost every draw lands in the tail.
        let logits: [Float] = (0..<64).map { Float($0 % 8) * 0.05 }
        let settings = SamplingSettings(temperature: 1, seed: 11)
        var fast = Sampler(settings: settings, headWidth: 0.01)
        var reference = FullSortSampler(settings: settings)
        let a = (0..<200).map { _ in fast.sample(logits) }
        let b = (0..<200).map { _ in reference.sample(logits) }
        #expect(a == b)
        #expect(Set(a).count > 40)
    }
}
