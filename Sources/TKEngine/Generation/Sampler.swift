import Foundation
import TKRandom

/// Picks tokens from logits according to `SamplingSettings`; owns the seeded generator.
///
/// The draw walks the candidates in sampling order — scaled logit descending, ties to the lower
/// id — subtracting probabilities from `u · mass` until it goes below zero. Sorting the whole
/// vocabulary for every sampled token made sampling cost more than the forward pass (49,152
/// entries per token; 262,144 for Gemma), so only the *head* — tokens within `headWidth` nats of
/// the best — is sorted up front. Every token outside it has probability below e^-headWidth of the
/// best one, so the walk, top-k and top-p almost never reach the tail; when they do, the tail is
/// sorted then and the walk continues, so the chosen token is the one a full sort would give.
public struct Sampler {
    public let settings: SamplingSettings
    private var random: SplitMix64
    /// Nats below the best scaled logit that the eagerly sorted head reaches (tests lower it to
    /// exercise the tail path).
    let headWidth: Float

    public init(settings: SamplingSettings) {
        self.init(settings: settings, headWidth: 18)
    }

    init(settings: SamplingSettings, headWidth: Float) {
        self.settings = settings
        self.headWidth = headWidth
        random = SplitMix64(seed: settings.seed)
    }

    /// The chosen token id for one row of logits.
    public mutating func sample(_ logits: [Float]) -> Int32 {
        precondition(!logits.isEmpty, "no logits to sample from")
        if settings.isGreedy { return Self.argmax(logits) }
        var order = SamplingOrder(logits: logits, temperature: Float(settings.temperature), headWidth: headWidth)
        let weight = { (id: Int) in Double(Foundation.exp(order.scaled(id) - order.maxScaled)) }

        // Top-k: the k first candidates in order; sorted fully only if the head is shorter.
        let limit = settings.topK > 0 && settings.topK < logits.count ? settings.topK : logits.count
        if limit < logits.count { order.ensure(limit) }

        // Normaliser over the allowed candidates; the head in order, the rest in index order (the
        // difference from a fully ordered sum is a rounding error far below any probability).
        var total = 0.0
        if limit < logits.count {
            for rank in 0..<limit { total += weight(order[rank]) }
        } else {
            for id in order.sortedPrefix { total += weight(id) }
            for id in order.unsortedRest { total += weight(id) }
        }

        // Top-p: the shortest ordered prefix whose probability reaches topP.
        var keep = limit
        var mass = 0.0
        if settings.topP < 1 {
            var rank = 0
            while rank < limit {
                order.ensure(rank + 1)
                mass += weight(order[rank]) / total
                rank += 1
                if mass >= settings.topP { break }
            }
            keep = rank
        } else if limit < logits.count {
            for rank in 0..<limit { mass += weight(order[rank]) / total }
        } else {
            for id in order.sortedPrefix { mass += weight(id) / total }
            for id in order.unsortedRest { mass += weight(id) / total }
        }

        var u = random.unitInterval() * mass
        var rank = 0
        while rank < keep {
            order.ensure(rank + 1)
            u -= weight(order[rank]) / total
            if u < 0 { return Int32(order[rank]) }
            rank += 1
        }
        order.ensure(keep)
        return Int32(order[keep - 1])
    }

    public static func argmax(_ logits: [Float]) -> Int32 {
        var best = 0
        for i in 1..<logits.count where logits[i] > logits[best] { best = i }
        return Int32(best)
    }
}

/// Token ids in sampling order, sorted lazily: the head (within `headWidth` nats of the best
/// scaled logit) at once, the rest only when a rank past the head is asked for.
private struct SamplingOrder {
    let logits: [Float]
    let temperature: Float
    let maxScaled: Float
    private(set) var sortedPrefix: [Int]
    private(set) var unsortedRest: [Int]

    init(logits: [Float], temperature: Float, headWidth: Float) {
        self.logits = logits
        self.temperature = temperature
        var best = -Float.infinity
        for x in logits { best = max(best, x / temperature) }
        maxScaled = best
        var head: [Int] = [], tail: [Int] = []
        for id in logits.indices {
            if logits[id] / temperature - best >= -headWidth { head.append(id) } else { tail.append(id) }
        }
        sortedPrefix = head
        unsortedRest = tail
        sortedPrefix.sort(by: precedes)
    }

    func scaled(_ id: Int) -> Float { logits[id] / temperature }

    func precedes(_ a: Int, _ b: Int) -> Bool {
        let x = scaled(a), y = scaled(b)
        return x != y ? x > y : a < b
    }

    subscript(rank: Int) -> Int { sortedPrefix[rank] }

    /// Makes ranks `0..<count` available, sorting the tail onto the head the first time the head
    /// is too short.
    mutating func ensure(_ count: Int) {
        guard count > sortedPrefix.count, !unsortedRest.isEmpty else { return }
        unsortedRest.sort(by: precedes)
        sortedPrefix += unsortedRest
        unsortedRest = []
    }
}
