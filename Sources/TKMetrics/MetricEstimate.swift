/// A metric's mean over items with a bootstrap confidence interval, all as fractions (0–1 for
/// the accuracy-like metrics).
public struct MetricEstimate: Sendable, Codable, Equatable {
    /// The plain mean over the items (not a bootstrap mean).
    public var mean: Double
    /// Lower end of the percentile interval.
    public var lower: Double
    /// Upper end of the percentile interval.
    public var upper: Double
    /// How many items the mean is over.
    public var count: Int

    public init(mean: Double, lower: Double, upper: Double, count: Int) {
        self.mean = mean
        self.lower = lower
        self.upper = upper
        self.count = count
    }
}
