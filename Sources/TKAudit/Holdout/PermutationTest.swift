import TKMetrics
import TKRandom

/// A two-sample permutation test: how often does a random relabelling of the pooled items give a
/// statistic at least as large as the observed split?
///
/// With few enough splits (`exactLimit`), every split of the pooled items into groups of the
/// original sizes is enumerated and p is the exact fraction of splits with a statistic ≥ the
/// observed one (the observed split included). Otherwise `permutations` random relabellings are
/// drawn and p = (1 + #{≥ observed}) / (1 + permutations), the standard Monte-Carlo estimate that
/// is never 0.
public struct PermutationTest: Sendable, Codable, Equatable {
    public var statistic: Double
    public var pValue: Double
    /// Splits compared (all of them when exact).
    public var permutations: Int
    public var exact: Bool

    /// - Parameters:
    ///   - sizes: the first group's size `a` and the second's `b`; the statistic receives the pooled
    ///     item indices of each group.
    ///   - statistic: larger means more different.
    public init(sizes a: Int, _ b: Int, permutations: Int = 1_000, seed: UInt64 = 0, exactLimit: Int = 5_000,
                statistic: ([Int], [Int]) throws -> Double) throws {
        guard a >= 1, b >= 1 else { throw AuditError(.tooFewItems, "a permutation test needs items in both groups (got \(a) and \(b))") }
        guard permutations >= 1 else { throw AuditError(.invalidParameter, "a permutation test needs at least 1 permutation, got \(permutations)") }
        let n = a + b
        let observed = try statistic(Array(0..<a), Array(a..<n))
        // A relative tolerance so that ties computed in a different order still count as ties.
        let threshold = observed - 1e-12 * max(1, abs(observed))
        self.statistic = observed
        if let splits = Self.binomial(n, a), splits <= exactLimit {
            var atLeast = 0
            for first in Self.combinations(n, a) {
                let chosen = Set(first)
                if try statistic(first, (0..<n).filter { !chosen.contains($0) }) >= threshold { atLeast += 1 }
            }
            pValue = Double(atLeast) / Double(splits)
            self.permutations = splits
            exact = true
        } else {
            var generator = SplitMix64(seed: seed)
            var atLeast = 0
            var pool = Array(0..<n)
            for _ in 0..<permutations {
                generator.shuffle(&pool)
                if try statistic(Array(pool[..<a]), Array(pool[a...])) >= threshold { atLeast += 1 }
            }
            pValue = Double(1 + atLeast) / Double(1 + permutations)
            self.permutations = permutations
            exact = false
        }
    }

    /// C(n, k), or nil when it exceeds Int.
    static func binomial(_ n: Int, _ k: Int) -> Int? {
        var result = 1
        for i in 0..<min(k, n - k) {
            let (m, overflow) = result.multipliedReportingOverflow(by: n - i)
            if overflow { return nil }
            result = m / (i + 1)
        }
        return result
    }

    /// Every k-subset of 0..<n in lexicographic order.
    static func combinations(_ n: Int, _ k: Int) -> [[Int]] {
        var result: [[Int]] = []
        var current = Array(0..<k)
        while true {
            result.append(current)
            var i = k - 1
            while i >= 0 && current[i] == n - k + i { i -= 1 }
            if i < 0 { return result }
            current[i] += 1
            for j in (i + 1)..<k { current[j] = current[j - 1] + 1 }
        }
    }
}
