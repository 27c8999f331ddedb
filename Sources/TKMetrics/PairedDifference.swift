/// The difference between two systems scored on the same items (`a − b`), with a paired
/// bootstrap interval.
///
/// Pairing matters: TruthfulQA items vary far more in difficulty than two nearby systems differ,
/// so resampling each system separately gives intervals several times too wide to see an
/// intervention's effect. Resampling items and taking both systems' scores on each keeps the
/// item difficulty out of the difference.
public struct PairedDifference: Sendable, Codable, Equatable {
    /// Mean of `a` minus mean of `b` over the shared items.
    public var meanDifference: Double
    /// Lower end of the percentile interval of the difference.
    public var lower: Double
    /// Upper end of the percentile interval of the difference.
    public var upper: Double
    /// How many items both systems were scored on.
    public var count: Int

    public init(meanDifference: Double, lower: Double, upper: Double, count: Int) {
        self.meanDifference = meanDifference
        self.lower = lower
        self.upper = upper
        self.count = count
    }

    /// Whether the interval lies entirely on one side of zero: the usual reading of "the
    /// difference is significant at this confidence".
    public var excludesZero: Bool { lower > 0 || upper < 0 }
}
