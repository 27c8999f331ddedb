/// ROUGE exactly as lm-evaluation-harness computes it for TruthfulQA: rouge-score's
/// `RougeScorer(["rouge1", "rouge2", "rougeLsum"])` (default tokenizer, no stemmer), F-measures
/// times 100.
///
/// Before scoring, lm-evaluation-harness's `_prepare_summary` replaces every `" . "` with
/// `".\n"` in both texts, so that ROUGE-Lsum sees sentences; rouge-score then splits on `"\n"`
/// only (a period without spaces on both sides does not end a sentence). ROUGE-1 and ROUGE-2
/// tokenise the whole text, where the newline is just another separator. The harness passes the
/// single score through a `BootstrapAggregator`, whose "mid" of one score is the score itself.
///
/// Empty token lists score 0 (rouge-score divides by `max(count, 1)` for ROUGE-N and returns 0
/// for ROUGE-Lsum when either side has no tokens), so an empty or punctuation-only answer scores
/// 0 on every ROUGE.
public enum ROUGE {
    /// ROUGE-1, ROUGE-2 and ROUGE-Lsum F-measures (0–100) of `prediction` against `reference`.
    public static func score(reference: String, prediction: String) -> ROUGEScores {
        let reference = prepareSummary(reference)
        let prediction = prepareSummary(prediction)
        var vocabulary = TokenVocabulary<[UInt8]>()
        let referenceTokens = vocabulary.ids(ROUGETokenizer.tokens(reference))
        let predictionTokens = vocabulary.ids(ROUGETokenizer.tokens(prediction))
        let referenceSentences = sentences(reference).map { vocabulary.ids(ROUGETokenizer.tokens($0)) }
        let predictionSentences = sentences(prediction).map { vocabulary.ids(ROUGETokenizer.tokens($0)) }
        return ROUGEScores(
            rouge1: 100 * rougeN(referenceTokens, predictionTokens, order: 1),
            rouge2: 100 * rougeN(referenceTokens, predictionTokens, order: 2),
            rougeLsum: 100 * rougeLsum(referenceSentences, predictionSentences)
        )
    }

    /// lm-evaluation-harness's `_prepare_summary`: `summary.replace(" . ", ".\n")`.
    static func prepareSummary(_ text: String) -> [Unicode.Scalar] {
        PythonText.replace(Array(text.unicodeScalars), [" ", ".", " "], with: [".", "\n"])
    }

    /// rouge-score's `get_sents` without sentence splitting: `text.split("\n")`, empties dropped.
    static func sentences(_ text: [Unicode.Scalar]) -> [ArraySlice<Unicode.Scalar>] {
        text.split(separator: "\n", omittingEmptySubsequences: true)
    }

    /// `_score_ngrams`: clipped n-gram overlap over `max(count, 1)` on each side.
    static func rougeN(_ reference: [Int], _ prediction: [Int], order: Int) -> Double {
        let referenceCounts = NGramCounts(reference, order: order)
        let predictionCounts = NGramCounts(prediction, order: order)
        let overlap = Double(referenceCounts.overlap(with: predictionCounts))
        let precision = overlap / Double(max(predictionCounts.total, 1))
        let recall = overlap / Double(max(referenceCounts.total, 1))
        return fMeasure(precision: precision, recall: recall)
    }

    /// `_summary_level_lcs`: union-LCS hits over the token totals of all sentences.
    static func rougeLsum(_ reference: [[Int]], _ prediction: [[Int]]) -> Double {
        let referenceLength = reference.reduce(0) { $0 + $1.count }
        let predictionLength = prediction.reduce(0) { $0 + $1.count }
        guard referenceLength > 0, predictionLength > 0 else { return 0 }
        let hits = Double(LongestCommonSubsequence.summaryHits(reference: reference, candidate: prediction))
        return fMeasure(precision: hits / Double(predictionLength), recall: hits / Double(referenceLength))
    }

    /// `scoring.fmeasure`: the harmonic mean, 0 when both are 0.
    static func fMeasure(precision: Double, recall: Double) -> Double {
        precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0
    }
}
