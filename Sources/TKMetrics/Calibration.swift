/// How well a model's stated confidence matches how often it is right.
///
/// Used for judged generations ("how sure is the model that its answer is true?") and for the
/// probability a model puts on the true answer in multiple choice.
public enum Calibration {
    /// Expected calibration error: the gap between confidence and accuracy, averaged over
    /// equal-width confidence bins and weighted by how many predictions fall in each.
    ///
    /// Bin `k` of `bins` holds confidences in `[k/bins, (k+1)/bins)`, with 1.0 in the last bin
    /// (the convention of Guo et al., 2017, with 10 bins by default). Empty bins contribute nothing.
    ///
    /// - Throws: `MetricsError` for mismatched or empty inputs, confidences outside 0…1, or
    ///   `bins < 1`.
    public static func expectedCalibrationError(
        confidences: [Double], outcomes: [Bool], bins: Int = 10
    ) throws(MetricsError) -> Double {
        try check(confidences, outcomes, what: "confidences")
        guard bins >= 1 else {
            throw MetricsError(.invalidParameter, "Expected calibration error needs at least one bin, got \(bins); 10 is usual.")
        }
        var confidenceSum = [Double](repeating: 0, count: bins)
        var correctSum = [Double](repeating: 0, count: bins)
        var counts = [Int](repeating: 0, count: bins)
        for (confidence, outcome) in zip(confidences, outcomes) {
            let bin = min(Int(confidence * Double(bins)), bins - 1)
            confidenceSum[bin] += confidence
            correctSum[bin] += outcome ? 1 : 0
            counts[bin] += 1
        }
        var error = 0.0
        for bin in 0..<bins where counts[bin] > 0 {
            let gap = abs(confidenceSum[bin] - correctSum[bin]) / Double(counts[bin])
            error += gap * Double(counts[bin]) / Double(confidences.count)
        }
        return error
    }

    /// Brier score: the mean squared difference between the probability given to "true" and
    /// what happened (1 or 0). 0 is perfect; always saying 0.5 scores 0.25.
    ///
    /// - Throws: `MetricsError` for mismatched or empty inputs or probabilities outside 0…1.
    public static func brierScore(probabilities: [Double], outcomes: [Bool]) throws(MetricsError) -> Double {
        try check(probabilities, outcomes, what: "probabilities")
        var sum = 0.0
        for (probability, outcome) in zip(probabilities, outcomes) {
            let difference = probability - (outcome ? 1 : 0)
            sum += difference * difference
        }
        return sum / Double(probabilities.count)
    }

    private static func check(_ values: [Double], _ outcomes: [Bool], what: String) throws(MetricsError) {
        guard values.count == outcomes.count else {
            throw MetricsError(.mismatchedInputs, "Got \(values.count) \(what) but \(outcomes.count) outcomes; give one outcome per prediction.")
        }
        guard !values.isEmpty else {
            throw MetricsError(.emptyInput, "Cannot measure calibration over no predictions.")
        }
        if let bad = values.firstIndex(where: { !($0 >= 0 && $0 <= 1) }) {
            throw MetricsError(.invalidParameter, "Prediction \(bad) has \(what.dropLast()) \(values[bad]); it must be a probability between 0 and 1 (exponentiate log-probabilities first).")
        }
    }
}
