import Foundation

/// Semantic entropy estimators over one question's sampled answers and their meaning clusters
/// (Farquhar et al. 2024, jlko/semantic_uncertainty `uncertainty_measures/semantic_entropy.py`).
public enum SemanticEntropy {
    /// Entropy (nats) of the cluster frequencies: `cluster_assignment_entropy`, no
    /// log-probabilities needed.
    public static func discrete(clusterIDs: [Int]) -> Double {
        let n = Double(clusterIDs.count)
        let counts = Dictionary(grouping: clusterIDs, by: { $0 }).values.map { Double($0.count) / n }
        return -counts.reduce(0) { $0 + $1 * log($1) }
    }

    /// The reference's estimator: each sample's length-normalised log-probability (mean per token),
    /// cluster mass = logsumexp of its members' values, normalised over the sample set
    /// (`logsumexp_by_id` with `normalize`), then `−Σ_c p(c) log p(c)` (`predictive_entropy_rao`).
    ///
    /// - Precondition: one log-probability per cluster id.
    public static func lengthNormalised(clusterIDs: [Int], meanLogprobs: [Double]) -> Double {
        precondition(clusterIDs.count == meanLogprobs.count, "one log-probability per sample")
        let total = logSumExp(meanLogprobs)
        var byCluster: [Int: [Double]] = [:]
        for (id, l) in zip(clusterIDs, meanLogprobs) { byCluster[id, default: []].append(l) }
        let logMasses = byCluster.values.map { logSumExp($0) - total }
        return -logMasses.reduce(0) { $0 + exp($1) * $1 }
    }

    static func logSumExp(_ values: [Double]) -> Double {
        guard let peak = values.max(), peak.isFinite else { return values.max() ?? -.infinity }
        return peak + log(values.reduce(0) { $0 + exp($1 - peak) })
    }
}
