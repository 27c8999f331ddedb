import TKEngine
import TKInterventions
import TKKernels

extension TokenScorer {
    /// Runs the output head over `hidden` in the engine's logit chunks (so the final layer's numbers
    /// are bit-identical to the plain path) and calls `body` with each chunk's logits, log-sum-exps
    /// and first row. Throws `.damagedModel` on non-finite logits.
    static func forEachChunk(session: InferenceSession, hidden: FloatMatrix,
                             _ body: (_ logits: FloatMatrix, _ lse: [Float], _ firstRow: Int) throws -> Void) throws {
        try session.forEachLogitChunk(hidden, body)
    }

    /// The final layer's log-probability row `r` of a chunk, as the plain path computes each entry.
    static func logProbRow(_ logits: FloatMatrix, _ lse: [Float], _ r: Int) -> [Float] {
        let l = lse[r]
        return logits.row(r).map { $0 - l }
    }

    /// Whole log-probability rows for the rows that have targets (second-model rules): per row the
    /// final layer's row, then one row per projected point (`recorded` holds the same rows at the
    /// points' hook points); an empty list for rows with no targets.
    static func logProbRows(session: InferenceSession, hidden: FloatMatrix, recorded: [HookPoint: FloatMatrix] = [:],
                            points: [ProjectedPoint] = [], targets: [[Int32]]) throws -> [[[Float]]] {
        precondition(targets.count == hidden.rows, "one target list per row")
        var out: [[[Float]]] = []
        out.reserveCapacity(hidden.rows)
        try forEachChunk(session: session, hidden: hidden) { logits, lse, start in
            let needed = (0..<logits.rows).filter { !targets[start + $0].isEmpty }
            let projected = try projectedRows(session: session, recorded: recorded, points: points, rows: needed.map { start + $0 })
            var i = 0
            for r in 0..<logits.rows {
                guard !targets[start + r].isEmpty else { out.append([]); continue }
                let final = logProbRow(logits, lse, r)
                out.append([final] + points.indices.map { k in projected[k].map { logProbRow($0.0, $0.1, i) } ?? final })
                i += 1
            }
        }
        return out
    }

    /// Each point's logits and log-sum-exps for the chosen rows of `recorded`, one head projection
    /// per point (none for a point that is the final layer itself).
    static func projectedRows(session: InferenceSession, recorded: [HookPoint: FloatMatrix], points: [ProjectedPoint],
                              rows chosen: [Int]) throws -> [Int: (FloatMatrix, [Float])] {
        var projected: [Int: (FloatMatrix, [Float])] = [:]
        guard !chosen.isEmpty else { return projected }
        for (k, p) in points.enumerated() {
            guard let point = p.point else { continue }
            guard let source = recorded[point] else {
                throw InterventionError(.badLayers, "no activations were recorded at \(point)")
            }
            let rows = FloatMatrix(rows: chosen.count, cols: source.cols)
            for (i, r) in chosen.enumerated() { rows.copyRows(from: source, r..<(r + 1), to: i) }
            let l = session.logits(fromHidden: rows, applyFinalNorm: p.applyFinalNorm)
            projected[k] = (l, Elementwise.logSumExp(l))
        }
        return projected
    }

    /// A rule's per-token scores computed inside the branch batch (rules without second models):
    /// per chunk of rows, the final layer's log-probabilities and, for the rows that are scored, each
    /// projected point's rows through the output head; the rule turns them into scores and its greedy
    /// token. `recorded` holds the same rows at the points' hook points; `chosen` counts how often
    /// each point's layer was the rule's pick.
    static func ruleScores(session: InferenceSession, hidden: FloatMatrix, recorded: [HookPoint: FloatMatrix], targets: [[Int32]],
                           rule: any ScoringRule, points: [ProjectedPoint], chosen: inout [Int: Int]) throws -> [TokenScorer] {
        precondition(targets.count == hidden.rows, "one target list per row")
        var out: [TokenScorer] = []
        out.reserveCapacity(hidden.rows)
        try forEachChunk(session: session, hidden: hidden) { logits, lse, start in
            let needed = (0..<logits.rows).filter { !targets[start + $0].isEmpty }
            // Projected logits for the needed rows only, one head projection per point.
            let projected = try projectedRows(session: session, recorded: recorded, points: points, rows: needed.map { start + $0 })
            var neededIndex: [Int: Int] = [:]
            for (i, r) in needed.enumerated() { neededIndex[r] = i }
            for r in 0..<logits.rows {
                guard let i = neededIndex[r] else {
                    out.append(TokenScorer(logprobs: [:], argmax: -1))
                    continue
                }
                let final = logProbRow(logits, lse, r)
                let rows = points.indices.map { k in projected[k].map { logProbRow($0.0, $0.1, i) } ?? final }
                let score = rule.scoreRow(final: final, projected: rows, second: [], hidden: rule.readsHiddenState ? hidden.row(start + r) : nil,
                                          targets: targets[start + r])
                if let pick = score.chosenPoint { chosen[points[pick].layer, default: 0] += 1 }
                out.append(TokenScorer(logprobs: score.scores, argmax: score.greedy))
            }
        }
        return out
    }
}
