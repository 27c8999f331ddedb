import Foundation
import TKKernels

/// The arithmetic shared by the decoding methods, on one position's vocabulary-sized rows.
///
/// Log-probabilities stay float32 (as the engine computes them, so an unmodified row is
/// bit-identical to the baseline's); sums over the vocabulary (divergences) are accumulated in
/// double.
public enum NextTokenMath {
    /// log-softmax of one row of logits, through the engine's log-sum-exp kernel.
    public static func logSoftmax(_ logits: [Float]) -> [Float] {
        let lse = Elementwise.logSumExp(FloatMatrix(rows: 1, cols: logits.count, values: logits))[0]
        return logits.map { $0 - lse }
    }

    /// Which tokens pass the adaptive plausibility constraint (DoLa's relative top, contrastive
    /// decoding's α-mask): those whose probability is at least `alpha` times the most likely
    /// token's. The most likely token always passes. `alpha == 0` keeps every token.
    public static func plausible(_ logProbs: [Float], alpha: Double) -> [Bool] {
        guard alpha > 0, let maxLP = logProbs.max() else { return Array(repeating: true, count: logProbs.count) }
        let threshold = Double(maxLP) + Foundation.log(alpha)
        return logProbs.map { Double($0) >= threshold || $0 == maxLP }
    }

    /// Jensen–Shannon divergence in DoLa's reference form: with M = (p + q)/2,
    /// ½·(KL(M‖p) + KL(M‖q)), each KL averaged (not summed) over the vocabulary, as
    /// `F.kl_div(log p, M).mean(-1)` computes it. Only its argmax over layers matters. Computed by a
    /// vectorised kernel: DoLa takes one per candidate layer per scored token, and a scalar
    /// double-precision loop over a 49k vocabulary made that most of DoLa's cost.
    public static func jensenShannon(_ logP: [Float], _ logQ: [Float]) -> Double {
        precondition(logP.count == logQ.count, "rows of equal length")
        guard !logP.isEmpty else { return 0 }
        return 0.5 * Elementwise.jensenShannonSum(logP, logQ) / Double(logP.count)
    }

    /// The same divergence summed term by term in double precision: the definition the kernel is
    /// tested against.
    public static func jensenShannonExact(_ logP: [Float], _ logQ: [Float]) -> Double {
        precondition(logP.count == logQ.count, "rows of equal length")
        var sum = 0.0
        for i in logP.indices {
            let lp = Double(logP[i]), lq = Double(logQ[i])
            if lp.isNaN || lq.isNaN { return .nan }
            let m = 0.5 * (Foundation.exp(lp) + Foundation.exp(lq))
            guard m > 0 else { continue }
            let lm = Foundation.log(m)
            sum += m * (lm - lp) + m * (lm - lq)
        }
        return logP.isEmpty ? 0 : 0.5 * sum / Double(logP.count)
    }

    /// The repetition penalty of CTRL / transformers: every token already in `tokens` has its
    /// score divided by `penalty` when positive and multiplied by it when negative.
    public static func applyRepetitionPenalty(_ scores: inout [Float], tokens: [Int32], penalty: Double) {
        guard penalty != 1 else { return }
        let p = Float(penalty)
        for t in Set(tokens) where t >= 0 && Int(t) < scores.count {
            let s = scores[Int(t)]
            scores[Int(t)] = s < 0 ? s * p : s / p
        }
    }

    /// Index of the largest value (lowest index on ties), or nil when every value is -infinity.
    public static func argmax(_ values: [Double]) -> Int? {
        var best: Int?
        for i in values.indices where values[i] > -Double.infinity {
            if best == nil || values[i] > values[best!] { best = i }
        }
        return best
    }

    /// KL(P‖Q) of two distributions given as log-probabilities (infinite where P has mass Q lacks).
    public static func klDivergence(_ logP: [Float], _ logQ: [Float]) -> Double {
        var sum = 0.0
        for i in logP.indices where logP[i] > -Float.infinity {
            let lp = Double(logP[i])
            sum += Foundation.exp(lp) * (lp - Double(logQ[i]))
        }
        return sum
    }
}
