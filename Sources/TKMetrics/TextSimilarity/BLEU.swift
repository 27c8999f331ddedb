import Foundation

/// Sentence BLEU exactly as lm-evaluation-harness computes it for TruthfulQA: sacreBLEU's corpus
/// BLEU over a one-segment corpus with one reference, `exp` smoothing, the `intl` tokenizer,
/// case kept, effective order off, on the 0–100 scale.
///
/// That is `sacrebleu.corpus_bleu([hypothesis], [[reference]], smooth_method="exp",
/// smooth_value=0.0, force=False, lowercase=False, tokenize="intl",
/// use_effective_order=False).score` (sacreBLEU 2.x). Its consequences are deliberate and kept:
///
/// - A hypothesis with fewer than four tokens scores 0 whenever it shares any token with the
///   reference, because there are no 4-grams to measure, and sacreBLEU stops the precision loop
///   there and takes log(0) as −9 999 999 999. ("No comment." against "I have no comment." is 0.)
/// - With no matching unigram at all the score is 0 (sacreBLEU's early exit).
/// - An order with matches counts `100 · correct / total`; the k-th order with none counts
///   `100 / (2^k · total)` (NIST's "exp" smoothing, k counting from 1).
/// - The brevity penalty is `exp(1 − r/c)` when the hypothesis (c tokens) is shorter than the
///   reference (r tokens), 0 for an empty hypothesis, otherwise 1.
///
/// The floating-point operations follow sacreBLEU's order, so results agree with it to about
/// 1e-13 (the tests hold them to 1e-6 against a fixture written by `scripts/verify/text_similarity.py`).
public enum BLEU {
    /// The highest n-gram order (sacreBLEU's `MAX_NGRAM_ORDER`).
    public static let maxOrder = 4

    /// sacreBLEU's BLEU of `hypothesis` against the single `reference`, 0–100.
    public static func score(hypothesis: String, reference: String) -> Double {
        statistics(hypothesis: hypothesis, reference: reference).score
    }

    /// The sufficient statistics sacreBLEU collects for one segment, and the score they give.
    struct Statistics: Equatable {
        /// Matched (clipped) n-grams per order, 1-grams first.
        var correct: [Int]
        /// Hypothesis n-grams per order.
        var total: [Int]
        var hypothesisLength: Int
        var referenceLength: Int

        /// `BLEU.compute_bleu` with `smooth_method="exp"`, `effective_order=False`.
        var score: Double {
            var brevityPenalty = 1.0
            if hypothesisLength < referenceLength {
                brevityPenalty = hypothesisLength > 0
                    ? exp(1 - Double(referenceLength) / Double(hypothesisLength)) : 0.0
            }
            if !correct.contains(where: { $0 != 0 }) { return 0 }

            var precisions = [Double](repeating: 0, count: correct.count)
            var smoothing = 1.0
            for order in 0..<correct.count {
                if total[order] == 0 { break }
                if correct[order] == 0 {
                    smoothing *= 2
                    precisions[order] = 100.0 / (smoothing * Double(total[order]))
                } else {
                    precisions[order] = 100.0 * Double(correct[order]) / Double(total[order])
                }
            }
            // sacreBLEU's `my_log`: log(0) is floored to −9 999 999 999, which makes the score 0.
            var logSum = 0.0
            for precision in precisions {
                logSum += precision == 0 ? -9_999_999_999 : log(precision)
            }
            return brevityPenalty * exp(logSum / Double(precisions.count))
        }
    }

    static func statistics(hypothesis: String, reference: String) -> Statistics {
        var vocabulary = TokenVocabulary<[Unicode.Scalar]>()
        let hypothesisTokens = vocabulary.ids(InternationalTokenizer.tokens(hypothesis))
        let referenceTokens = vocabulary.ids(InternationalTokenizer.tokens(reference))
        var correct: [Int] = []
        var total: [Int] = []
        for order in 1...maxOrder {
            let hypothesisCounts = NGramCounts(hypothesisTokens, order: order)
            let referenceCounts = NGramCounts(referenceTokens, order: order)
            total.append(hypothesisCounts.total)
            correct.append(hypothesisCounts.overlap(with: referenceCounts))
        }
        return Statistics(
            correct: correct, total: total,
            hypothesisLength: hypothesisTokens.count, referenceLength: referenceTokens.count
        )
    }
}
