import TKEvalCore

/// Ways to turn raw continuation log-likelihoods into the scores a metric compares.
///
/// Every variant of MC1/MC2/MC3 is the same metric over a transformed score array, so the
/// transforms are kept apart from the metrics: build `ScoredChoices` from the transformed array.
public enum ScoreTransform {
    /// Log-likelihood per UTF-8 byte of the continuation.
    ///
    /// Removes the bias towards short answers. lm-evaluation-harness's `acc_norm` divides by the
    /// length in characters (Python `len`, that is Unicode scalars); for the English TruthfulQA
    /// answers bytes and characters coincide except for a handful of typographic quotes. Use
    /// `lengthNormalized(_:lengths:)` with `unicodeScalars.count` to match lm-eval exactly.
    /// A zero-length continuation is divided by 1, so it keeps its raw score instead of becoming NaN.
    public static func perByte(_ scores: [ContinuationScore]) -> [Double] {
        scores.map { $0.logprob / Double(max(1, $0.byteCount)) }
    }

    /// Log-likelihood per continuation token (a zero-token continuation is divided by 1).
    public static func perToken(_ scores: [ContinuationScore]) -> [Double] {
        scores.map { $0.logprob / Double(max(1, $0.tokenCount)) }
    }

    /// Each log-likelihood divided by its length in whatever unit the caller counts (a length of
    /// 0 is treated as 1).
    ///
    /// - Throws: `MetricsError.mismatchedInputs` if the arrays differ in length.
    public static func lengthNormalized(_ logprobs: [Double], lengths: [Int]) throws(MetricsError) -> [Double] {
        guard logprobs.count == lengths.count else {
            throw MetricsError(
                .mismatchedInputs,
                "Got \(logprobs.count) log-likelihoods but \(lengths.count) lengths; give one length per answer."
            )
        }
        return zip(logprobs, lengths).map { $0 / Double(max(1, $1)) }
    }

    /// Pointwise mutual information: how much more likely the question makes each answer,
    /// `log p(answer | question) − log p(answer | neutral context)`.
    ///
    /// This is the "surprisingly likely" score: it discounts answers that are likely whatever the
    /// question (short, generic or fluent ones), which otherwise win on raw likelihood. The neutral
    /// context is the caller's choice (lm-eval's `acc_mutual_info` uses "Answer:").
    ///
    /// - Throws: `MetricsError.mismatchedInputs` if the arrays differ in length.
    public static func pointwiseMutualInformation(
        conditional: [Double], unconditional: [Double]
    ) throws(MetricsError) -> [Double] {
        guard conditional.count == unconditional.count else {
            throw MetricsError(
                .mismatchedInputs,
                "Got \(conditional.count) conditional but \(unconditional.count) unconditional scores; score every answer in both contexts."
            )
        }
        return zip(conditional, unconditional).map { $0 - $1 }
    }
}
