import TKMetrics

/// AUROC with a bootstrap interval that resamples *groups* (questions), not rows: the true and
/// false statements of one question are correlated, so resampling them one by one would make the
/// interval too narrow.
public enum GroupedAUROC {
    public struct Estimate: Sendable, Codable, Equatable {
        /// Nil when only one class is present.
        public var auroc: Double?
        public var lower: Double?
        public var upper: Double?
    }

    /// - Parameters:
    ///   - groups: each row's group (question index); rows of a drawn group are all taken.
    /// - Throws: `MetricsError` for arrays of different lengths, a NaN score or bad bootstrap settings.
    public static func estimate(scores: [Double], labels: [Bool], groups: [Int], bootstrap: Bootstrap = Bootstrap()) throws -> Estimate {
        guard scores.count == labels.count, scores.count == groups.count else {
            throw MetricsError(.mismatchedInputs, "Got \(scores.count) scores, \(labels.count) labels and \(groups.count) groups; give one of each per row.")
        }
        guard let auroc = try AUROC.area(scores: scores, labels: labels) else { return Estimate(auroc: nil, lower: nil, upper: nil) }
        let keys = Array(Set(groups)).sorted()
        let rowsOf = Dictionary(grouping: scores.indices, by: { groups[$0] })
        let interval = try bootstrap.interval(units: keys.count) { drawn in
            var s: [Double] = [], l: [Bool] = []
            for unit in drawn {
                for row in rowsOf[keys[unit]]! {
                    s.append(scores[row])
                    l.append(labels[row])
                }
            }
            return try AUROC.area(scores: s, labels: l)
        }
        return Estimate(auroc: auroc, lower: interval?.lower, upper: interval?.upper)
    }
}
