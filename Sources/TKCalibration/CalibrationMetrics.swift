import TKMetrics

/// Calibration of confidences against outcomes: reliability bins, ECE, RMS calibration error,
/// Brier score and AUROC. Pure functions over `ConfidencePrediction`s.
///
/// Definitions (methods-round2 §A.1), with B_b the predictions in bin b and N all of them:
/// `ECE = Σ_b (|B_b|/N)·|acc(B_b) − conf(B_b)|`, `RMS-CE = sqrt(Σ_b (|B_b|/N)·(acc − conf)²)`,
/// `Brier = mean (c_i − y_i)²`. Empty bins carry no weight, so they contribute nothing.
public enum CalibrationMetrics {
    /// The non-empty bins in bin order (ascending confidence).
    ///
    /// - Throws: `MetricsError` for no predictions, a confidence outside 0…1, or fewer than one bin.
    public static func reliabilityBins(_ predictions: [ConfidencePrediction], binning: Binning) throws(MetricsError) -> [ReliabilityBin] {
        try validate(predictions)
        guard binning.count >= 1 else {
            throw MetricsError(.invalidParameter, "Calibration needs at least one bin, got \(binning.count); 10 is usual (--bins 10).")
        }
        let assignment = binning.assign(predictions.map(\.confidence))
        var confidenceSum = [Double](repeating: 0, count: binning.count)
        var correctCount = [Int](repeating: 0, count: binning.count)
        var counts = [Int](repeating: 0, count: binning.count)
        for (prediction, bin) in zip(predictions, assignment) {
            confidenceSum[bin] += prediction.confidence
            correctCount[bin] += prediction.correct ? 1 : 0
            counts[bin] += 1
        }
        return (0..<binning.count).filter { counts[$0] > 0 }.map { bin in
            ReliabilityBin(confidence: confidenceSum[bin] / Double(counts[bin]),
                           accuracy: Double(correctCount[bin]) / Double(counts[bin]), count: counts[bin])
        }
    }

    /// Expected calibration error over `binning`.
    public static func expectedCalibrationError(_ predictions: [ConfidencePrediction], binning: Binning) throws(MetricsError) -> Double {
        let bins = try reliabilityBins(predictions, binning: binning)
        return weightedGap(bins, total: predictions.count) { abs($0) }
    }

    /// Root-mean-square calibration error over `binning`.
    public static func rmsCalibrationError(_ predictions: [ConfidencePrediction], binning: Binning) throws(MetricsError) -> Double {
        let bins = try reliabilityBins(predictions, binning: binning)
        return weightedGap(bins, total: predictions.count) { $0 * $0 }.squareRoot()
    }

    /// Mean squared difference between confidence and outcome (0 perfect; 0.25 for always 0.5).
    public static func brierScore(_ predictions: [ConfidencePrediction]) throws(MetricsError) -> Double {
        try validate(predictions)
        return try Calibration.brierScore(probabilities: predictions.map(\.confidence), outcomes: predictions.map(\.correct))
    }

    /// Whether confidence separates correct from wrong predictions: P(conf of a correct one >
    /// conf of a wrong one), ties one half. Nil when every prediction is correct, or every one wrong.
    public static func auroc(_ predictions: [ConfidencePrediction]) throws(MetricsError) -> Double? {
        try validate(predictions)
        return try AUROC.area(scores: predictions.map(\.confidence), labels: predictions.map(\.correct))
    }

    private static func weightedGap(_ bins: [ReliabilityBin], total: Int, _ penalty: (Double) -> Double) -> Double {
        bins.reduce(0) { $0 + Double($1.count) / Double(total) * penalty($1.accuracy - $1.confidence) }
    }

    /// Rejects what no calibration metric can use, naming the offending prediction.
    static func validate(_ predictions: [ConfidencePrediction]) throws(MetricsError) {
        guard !predictions.isEmpty else {
            throw MetricsError(.emptyInput, "Cannot measure calibration over no predictions; check that the run holds scored items.")
        }
        if let bad = predictions.firstIndex(where: { !($0.confidence >= 0 && $0.confidence <= 1) }) {
            throw MetricsError(.invalidParameter, "Prediction \(bad) has confidence \(predictions[bad].confidence); it must be a probability between 0 and 1 (exponentiate log-probabilities first).")
        }
    }
}
