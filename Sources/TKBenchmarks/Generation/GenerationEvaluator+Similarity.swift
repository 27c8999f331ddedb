import TKMetrics

extension GenerationEvaluator {
    /// BLEU and ROUGE max/diff/acc of an answer against the item's references
    /// (`GenerationMetricName.similarity`), as lm-evaluation-harness's `process_results_gen`.
    ///
    /// `SimilarityReferences` prepares the references (closes them with ".", adds "I have no
    /// comment." to the true side; it is the only place that does). Empty when the item has no
    /// false reference: "closer to a true than to a false answer" is then undefined, and leaving
    /// the item out of the similarity means is better than scoring it against nothing.
    public static func similarityMetrics(answer: String, item: TruthfulQAItem) -> [String: Double] {
        guard let references = try? SimilarityReferences(correct: item.correctAnswers, incorrect: item.incorrectAnswers) else {
            return [:]
        }
        return ReferenceSimilarity.reportValues(ReferenceSimilarity.compare(answer: answer, references: references))
    }
}
