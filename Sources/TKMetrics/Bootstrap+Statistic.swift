import TKRandom

extension Bootstrap {
    /// Percentile interval of any statistic (AUROC, ECE…) over resampled units: each resample
    /// draws `units` unit indices with replacement (indices may repeat) and asks `statistic` for
    /// its value on them. Units are items, or questions when several rows share a question and
    /// must be drawn together.
    ///
    /// A resample where the statistic is undefined (nil: AUROC with one class drawn) is left out;
    /// the interval is over the others.
    ///
    /// - Returns: nil when the statistic is undefined on every resample.
    /// - Throws: `MetricsError.emptyInput` for no units, `.invalidParameter` for bad settings.
    public func interval(units: Int, statistic: ([Int]) throws -> Double?) throws -> (lower: Double, upper: Double)? {
        guard resamples >= 1, confidence > 0, confidence < 1 else {
            throw MetricsError(.invalidParameter, "The bootstrap needs at least 1 resample and a confidence strictly between 0 and 1; got \(resamples) and \(confidence).")
        }
        guard units > 0 else { throw MetricsError(.emptyInput, "Cannot bootstrap a statistic over no items.") }
        var generator = SplitMix64(seed: seed)
        var values: [Double] = []
        values.reserveCapacity(resamples)
        var drawn = [Int](repeating: 0, count: units)
        for _ in 0..<resamples {
            for i in 0..<units { drawn[i] = generator.index(below: units) }
            if let value = try statistic(drawn) { values.append(value) }
        }
        guard !values.isEmpty else { return nil }
        values.sort()
        let tail = (1 - confidence) / 2
        return (Self.quantile(values, tail), Self.quantile(values, 1 - tail))
    }
}
