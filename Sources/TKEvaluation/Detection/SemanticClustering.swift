/// Greedy clustering of answers into meanings, as both reference implementations do it: each
/// answer joins the first cluster whose first member (its opener) it is equivalent to, else opens
/// a new cluster. No transitivity is assumed and only openers are compared.
public enum SemanticClustering {
    /// When two answers mean the same.
    public enum Rule: String, Sendable, Codable, CaseIterable {
        /// Farquhar et al. (`--strict_entailment`, their default): each entails the other.
        case strict
        /// Kuhn et al.'s code: neither contradicts the other (so two neutral verdicts merge, and
        /// semantic entropy drifts toward naive entropy; their issue #3).
        case noContradiction = "no-contradiction"

        public func equivalent(_ forward: Entailment, _ backward: Entailment) -> Bool {
            switch self {
            case .strict: forward == .entailment && backward == .entailment
            case .noContradiction: forward != .contradiction && backward != .contradiction
            }
        }
    }

    /// Cluster ids, one per text (0, 1, … in order of first appearance).
    ///
    /// Identical texts are equivalent without asking (the judge's answer about a text and itself
    /// carries no information, and the samples of a small model repeat often).
    /// - Parameter relation: the judge's verdict on (first entails second), asked of texts by index.
    public static func assign(_ texts: [String], rule: Rule, relation: (Int, Int) async throws -> Entailment) async throws -> [Int] {
        var ids = [Int](repeating: -1, count: texts.count)
        var openers: [Int] = []
        for i in texts.indices {
            for (cluster, opener) in openers.enumerated() {
                if texts[i] == texts[opener] {
                    ids[i] = cluster
                    break
                }
                let forward = try await relation(opener, i)
                // The backward verdict can only matter when the forward one did not already decide.
                if rule == .strict, forward != .entailment { continue }
                if rule == .noContradiction, forward == .contradiction { continue }
                if rule.equivalent(forward, try await relation(i, opener)) {
                    ids[i] = cluster
                    break
                }
            }
            if ids[i] < 0 {
                ids[i] = openers.count
                openers.append(i)
            }
        }
        return ids
    }
}
