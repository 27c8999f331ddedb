import TKMetrics

/// Selective prediction: answer only the predictions the model is surest of and watch the error
/// rate of what is kept (methods-round2 §A.1).
public enum SelectivePrediction {
    /// One point of the risk–coverage curve: keeping the `coverage` fraction of surest
    /// predictions, `risk` of them are wrong.
    public struct Point: Sendable, Codable, Equatable {
        public var coverage: Double
        public var risk: Double
        public init(coverage: Double, risk: Double) {
            self.coverage = coverage
            self.risk = risk
        }
    }

    /// Risk at every coverage k/N, k = 1…N, predictions sorted by confidence, highest first.
    ///
    /// Tied confidences are kept or dropped together in expectation: inside a run of ties the
    /// errors are counted at the run's error rate (the mean over every order of the ties), so the
    /// curve never depends on the order the predictions came in.
    public static func riskCoverage(_ predictions: [ConfidencePrediction]) throws(MetricsError) -> [Point] {
        try CalibrationMetrics.validate(predictions)
        let sorted = predictions.sorted { $0.confidence > $1.confidence }
        let n = sorted.count
        var points: [Point] = []
        points.reserveCapacity(n)
        var errorsBefore = 0.0
        var start = 0
        while start < n {
            var end = start
            while end + 1 < n && sorted[end + 1].confidence == sorted[start].confidence { end += 1 }
            let runLength = end - start + 1
            let runErrorRate = Double(sorted[start...end].count { !$0.correct }) / Double(runLength)
            for taken in 1...runLength {
                let k = start + taken
                points.append(Point(coverage: Double(k) / Double(n), risk: (errorsBefore + runErrorRate * Double(taken)) / Double(k)))
            }
            errorsBefore += runErrorRate * Double(runLength)
            start = end + 1
        }
        return points
    }

    /// Area under the risk–coverage curve: the mean risk over k = 1…N. Lower is better.
    public static func aurc(_ predictions: [ConfidencePrediction]) throws(MetricsError) -> Double {
        let curve = try riskCoverage(predictions)
        return curve.reduce(0) { $0 + $1.risk } / Double(curve.count)
    }

    /// Excess AURC: AURC minus that of an oracle that ranks every correct prediction first
    /// (which depends only on the accuracy). 0 is a perfect ranking.
    public static func excessAURC(_ predictions: [ConfidencePrediction]) throws(MetricsError) -> Double {
        let oracle = predictions.map { ConfidencePrediction(confidence: $0.correct ? 1 : 0, correct: $0.correct) }
        return try aurc(predictions) - aurc(oracle)
    }

    /// Area under the rejection–accuracy curve as the Nature semantic-entropy code
    /// (jlko/semantic_uncertainty `eval_utils.py`) defines it: for q in linspace(0.1, 1, 20),
    /// keep the predictions whose uncertainty (−confidence) is at most numpy's linear
    /// `quantile(uncertainty, q)`, take their accuracy, and sum accuracy·Δq with Δq = 0.9/19.
    /// A perfect ranking scores 20·Δq ≈ 0.947, not 1.
    public static func aurac(_ predictions: [ConfidencePrediction]) throws(MetricsError) -> Double {
        try CalibrationMetrics.validate(predictions)
        let uncertainties = predictions.map { -$0.confidence }
        let sorted = uncertainties.sorted()
        let quantiles = (0..<20).map { 0.1 + 0.9 * Double($0) / 19 }
        let step = quantiles[1] - quantiles[0]
        var area = 0.0
        for q in quantiles {
            let cutoff = linearQuantile(sorted, q)
            let kept = zip(uncertainties, predictions).filter { $0.0 <= cutoff }.map(\.1)
            area += Double(kept.count { $0.correct }) / Double(kept.count) * step
        }
        return area
    }

    /// numpy's default ("linear") quantile of sorted values.
    static func linearQuantile(_ sorted: [Double], _ q: Double) -> Double {
        let position = q * Double(sorted.count - 1)
        let below = Int(position.rounded(.down))
        let above = min(below + 1, sorted.count - 1)
        return sorted[below] + (sorted[above] - sorted[below]) * (position - Double(below))
    }
}
