import TKMetrics

/// Every calibration and selective-prediction number for one set of predictions, as `truthkit
/// calibrate --json` prints it: `n`, `accuracy`, `ece`, `rms_ce`, `brier`, `auroc`, `aurc`,
/// `e_aurc`, `aurac`, `bins` (`{confidence, accuracy, count}`), the binning used, and bootstrap
/// intervals for ECE, Brier and AUROC.
public struct CalibrationSummary: Sendable, Codable, Equatable {
    /// A statistic's bootstrap percentile interval.
    public struct Interval: Sendable, Codable, Equatable {
        public var lower: Double
        public var upper: Double
    }

    public var n: Int
    public var accuracy: Double
    public var meanConfidence: Double
    public var scheme: Binning.Scheme
    public var binCount: Int
    public var ece: Double
    public var rmsCe: Double
    public var brier: Double
    /// Nil when every prediction is correct or every one wrong.
    public var auroc: Double?
    public var aurc: Double
    public var eAurc: Double
    public var aurac: Double
    public var bins: [ReliabilityBin]
    /// Bootstrap intervals (items resampled) of `ece`, `brier` and `auroc`.
    public var intervals: [String: Interval]

    /// - Throws: `MetricsError` for no predictions, confidences outside 0…1 or a bad binning.
    public init(_ predictions: [ConfidencePrediction], binning: Binning, bootstrap: Bootstrap = Bootstrap()) throws {
        let bins = try CalibrationMetrics.reliabilityBins(predictions, binning: binning)
        n = predictions.count
        accuracy = Double(predictions.count { $0.correct }) / Double(n)
        meanConfidence = predictions.reduce(0) { $0 + $1.confidence } / Double(n)
        scheme = binning.scheme
        binCount = binning.count
        ece = try CalibrationMetrics.expectedCalibrationError(predictions, binning: binning)
        rmsCe = try CalibrationMetrics.rmsCalibrationError(predictions, binning: binning)
        brier = try CalibrationMetrics.brierScore(predictions)
        auroc = try CalibrationMetrics.auroc(predictions)
        aurc = try SelectivePrediction.aurc(predictions)
        eAurc = try SelectivePrediction.excessAURC(predictions)
        aurac = try SelectivePrediction.aurac(predictions)
        self.bins = bins
        let statistics: [(String, ([ConfidencePrediction]) throws -> Double?)] = [
            ("ece", { try CalibrationMetrics.expectedCalibrationError($0, binning: binning) }),
            ("brier", { try CalibrationMetrics.brierScore($0) }),
            ("auroc", { try CalibrationMetrics.auroc($0) }),
        ]
        var intervals: [String: Interval] = [:]
        for (name, statistic) in statistics {
            if let interval = try bootstrap.interval(units: n, statistic: { drawn in try statistic(drawn.map { predictions[$0] }) }) {
                intervals[name] = Interval(lower: interval.lower, upper: interval.upper)
            }
        }
        self.intervals = intervals
    }
}
