/// Area under the ROC curve: the probability that a randomly chosen positive scores higher than
/// a randomly chosen negative, ties counting one half.
///
/// Used to ask whether a score (a probe's output, a model's confidence) separates true answers
/// from false ones at all, independent of any threshold or of calibration.
public enum AUROC {
    /// The area, computed from ranks (the Mann–Whitney U statistic) in O(n log n), with tied
    /// scores given their average rank.
    ///
    /// - Returns: The area in 0…1, or `nil` when all labels are the same (the area is undefined
    ///   without both classes).
    /// - Throws: `MetricsError.mismatchedInputs` if the arrays differ in length, `.invalidParameter`
    ///   for a NaN score.
    public static func area(scores: [Double], labels: [Bool]) throws(MetricsError) -> Double? {
        guard scores.count == labels.count else {
            throw MetricsError(.mismatchedInputs, "Got \(scores.count) scores but \(labels.count) labels; give one label per score.")
        }
        if let bad = scores.firstIndex(where: \.isNaN) {
            throw MetricsError(.invalidParameter, "Score \(bad) is NaN; AUROC needs comparable scores.")
        }
        let positives = labels.count { $0 }
        let negatives = labels.count - positives
        guard positives > 0, negatives > 0 else { return nil }

        let order = scores.indices.sorted { scores[$0] < scores[$1] }
        var positiveRankSum = 0.0
        var start = 0
        while start < order.count {
            var end = start
            while end + 1 < order.count && scores[order[end + 1]] == scores[order[start]] { end += 1 }
            // Ranks are 1-based; a run of ties from start to end shares their average rank.
            let averageRank = Double(start + end + 2) / 2
            for position in start...end where labels[order[position]] {
                positiveRankSum += averageRank
            }
            start = end + 1
        }
        let u = positiveRankSum - Double(positives * (positives + 1)) / 2
        return u / (Double(positives) * Double(negatives))
    }
}
