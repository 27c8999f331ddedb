import Foundation
import Testing
import TKInterventions

/// The vectorised Jensen–Shannon kernel DoLa chooses its premature layer with, against the
/// term-by-term double-precision definition.
@Suite struct JensenShannonKernelTests {
    /// A log-softmax row of `n` logits drawn from a seeded generator with spread `scale`.
    static func logSoftmaxRow(_ n: Int, seed: UInt64, scale: Double) -> [Float] {
        var state = seed
        var logits: [Double] = []
        for _ in 0..<n {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let u = Double(state >> 11) / Double(1 << 53)
            logits.append((u * 2 - 1) * scale)
        }
        let maxv = logits.max()!
        let lse = maxv + Foundation.log(logits.reduce(0) { $0 + Foundation.exp($1 - maxv) })
        return logits.map { Float($0 - lse) }
    }

    @Test(arguments: [(49152, 4.0), (49152, 12.0), (1001, 1.0), (7, 3.0), (32000, 25.0)])
    func matchesTheDoublePrecisionDefinition(n: Int, scale: Double) {
        let p = Self.logSoftmaxRow(n, seed: 1, scale: scale), q = Self.logSoftmaxRow(n, seed: 2, scale: scale)
        let fast = NextTokenMath.jensenShannon(p, q), exact = NextTokenMath.jensenShannonExact(p, q)
        #expect(exact > 0)
        #expect(abs(fast - exact) <= 1e-5 * exact, "kernel \(fast) vs exact \(exact)")
    }

    @Test func nearlyEqualRowsKeepTheirSmallDivergence() {
        // Small differences are where a naive float formula loses everything to cancellation.
        let p = Self.logSoftmaxRow(49152, seed: 3, scale: 8)
        var q = p
        for i in stride(from: 0, to: q.count, by: 97) { q[i] += 0.02 }
        let fast = NextTokenMath.jensenShannon(p, q), exact = NextTokenMath.jensenShannonExact(p, q)
        #expect(exact > 0)
        #expect(abs(fast - exact) <= 1e-3 * exact, "kernel \(fast) vs exact \(exact)")
        #expect(NextTokenMath.jensenShannon(p, p) == 0)
    }

    @Test func orderingOfCandidatesIsTheExactOrdering() {
        let final = Self.logSoftmaxRow(49152, seed: 10, scale: 6)
        let candidates = (11..<19).map { Self.logSoftmaxRow(49152, seed: UInt64($0), scale: 2 + Double($0 % 5)) }
        let exactBest = candidates.indices.max { NextTokenMath.jensenShannonExact(final, candidates[$0]) < NextTokenMath.jensenShannonExact(final, candidates[$1]) }!
        #expect(DoLa.choosePremature(final: final, candidates: candidates) == exactBest)
    }

    @Test func zeroProbabilityAgainstMassIsInfiniteAsTheDefinition() {
        var p = Self.logSoftmaxRow(40, seed: 5, scale: 2)
        let q = Self.logSoftmaxRow(40, seed: 6, scale: 2)
        p[3] = -.infinity
        #expect(NextTokenMath.jensenShannonExact(p, q) == .infinity)
        #expect(NextTokenMath.jensenShannon(p, q) == .infinity)
        var r = q
        r[20] = .nan
        #expect(NextTokenMath.jensenShannon(r, q).isNaN)
        #expect(NextTokenMath.jensenShannonExact(r, q).isNaN)
    }
}
