import Foundation
import TKMetrics
import TKRandom

/// Temperature scaling: one scalar β (= 1/T) applied to every item's logits, `p ∝ exp(β·s)`,
/// chosen to minimise the negative log-likelihood of the correct option; Tian et al.'s
/// `p̃ ∝ p^β` is the same with `s = log p`. Scaling by β > 0 never changes which option is on
/// top, so it moves calibration (ECE, Brier) and leaves accuracy and AUROC's ranking of the top
/// choice's correctness almost untouched.
///
/// ECE-t and Brier-t are honest only when β is fitted on other items than those scored:
/// `crossFitted` fits on k−1 folds and scores the held-out fold, for every fold.
public enum TemperatureScaling {
    /// One item: the scores of its options (any scale: log-probabilities, logits) and which one
    /// is correct. A binary confidence c is `ScaledItem(binaryConfidence: c, correct:)`.
    public struct ScaledItem: Sendable, Equatable {
        public var logits: [Double]
        public var target: Int

        public init(logits: [Double], target: Int) {
            self.logits = logits
            self.target = target
        }

        /// A yes/no confidence as two options, [log c, log(1 − c)] with option 0 = "correct";
        /// c is clamped to [1e-12, 1 − 1e-12] so a stated 0 or 1 stays finite.
        public init(binaryConfidence c: Double, correct: Bool) {
            let clamped = min(max(c, 1e-12), 1 - 1e-12)
            self.init(logits: [log(clamped), log(1 - clamped)], target: correct ? 0 : 1)
        }

        /// The top option's probability at `beta` and whether it is the correct one (ties in the
        /// logits go to the first option, as argmax does).
        public func topPrediction(beta: Double) -> ConfidencePrediction {
            let top = logits.indices.max { (logits[$0], -$0) < (logits[$1], -$1) }!
            let scaled = logits.map { beta * $0 }
            let peak = scaled.max()!
            let total = scaled.reduce(0) { $0 + exp($1 - peak) }
            return ConfidencePrediction(confidence: exp(scaled[top] - peak) / total, correct: top == target)
        }
    }

    /// The β in [1e-4, 1e4] minimising the mean NLL of `items`.
    ///
    /// NLL(β) = Σ [logsumexp(β·s) − β·s_target] is convex in β (its second derivative is the
    /// variance of s under p_β), so its derivative Σ (E_β[s] − s_target) is increasing and the
    /// minimum is found by bisection on the derivative in log β; a minimum beyond the range (data
    /// the scores separate perfectly) returns the range's end.
    ///
    /// - Throws: `MetricsError` for no items, an item with fewer than two options, a target out of
    ///   range or a score that is not finite.
    public static func fitBeta(_ items: [ScaledItem]) throws(MetricsError) -> Double {
        guard !items.isEmpty else { throw MetricsError(.emptyInput, "Temperature scaling needs at least one item to fit on.") }
        for (i, item) in items.enumerated() {
            guard item.logits.count >= 2, item.logits.indices.contains(item.target) else {
                throw MetricsError(.invalidChoices, "Item \(i) has \(item.logits.count) options and target \(item.target); temperature scaling needs at least two options and a target among them.")
            }
            guard item.logits.allSatisfy(\.isFinite) else {
                throw MetricsError(.invalidParameter, "Item \(i) has a score that is not finite; temperature scaling needs finite log-probabilities.")
            }
        }
        func derivative(_ beta: Double) -> Double {
            var total = 0.0
            for item in items {
                let scaled = item.logits.map { beta * $0 }
                let peak = scaled.max()!
                let weights = scaled.map { exp($0 - peak) }
                let sum = weights.reduce(0, +)
                var expected = 0.0
                for (w, s) in zip(weights, item.logits) { expected += w / sum * s }
                total += expected - item.logits[item.target]
            }
            return total
        }
        var low = log(1e-4), high = log(1e4)
        if derivative(exp(low)) >= 0 { return exp(low) }
        if derivative(exp(high)) <= 0 { return exp(high) }
        for _ in 0..<100 {
            let middle = (low + high) / 2
            if derivative(exp(middle)) > 0 { high = middle } else { low = middle }
        }
        return exp((low + high) / 2)
    }

    /// Cross-fitted scaling: items dealt into `folds` folds by a seeded shuffle; fold f's items are
    /// scored at the β fitted on every other fold. Returns each item's top prediction (in input
    /// order) and each fold's β.
    ///
    /// - Throws: `MetricsError` for fewer than 2 folds or more folds than items, or bad items.
    public static func crossFitted(_ items: [ScaledItem], folds: Int = 5, seed: UInt64 = 0) throws(MetricsError) -> (predictions: [ConfidencePrediction], betas: [Double]) {
        guard folds >= 2 else {
            throw MetricsError(.invalidParameter, "Cross-fitted temperature scaling needs at least 2 folds, got \(folds); 5 is Tian et al.'s choice.")
        }
        guard items.count >= folds else {
            throw MetricsError(.invalidParameter, "\(items.count) items cannot fill \(folds) folds for temperature scaling; use fewer folds.")
        }
        var generator = SplitMix64(seed: seed)
        let order = generator.shuffled(Array(items.indices))
        var foldOf = [Int](repeating: 0, count: items.count)
        for (position, item) in order.enumerated() { foldOf[item] = position % folds }
        var predictions = [ConfidencePrediction](repeating: ConfidencePrediction(confidence: 0, correct: false), count: items.count)
        var betas: [Double] = []
        for fold in 0..<folds {
            let beta = try fitBeta(items.indices.filter { foldOf[$0] != fold }.map { items[$0] })
            betas.append(beta)
            for i in items.indices where foldOf[i] == fold { predictions[i] = items[i].topPrediction(beta: beta) }
        }
        return (predictions, betas)
    }
}
