import TKEngine
import TKInterventions
import TKKernels

extension TokenScorer {
    /// Runs the output head over `hidden` in the same chunks as `scores(session:hidden:targets:)`
    /// (so the final layer's numbers are bit-identical to the plain path) and calls `body` with
    /// each chunk's logits, log-sum-exps and first row. Throws `.damagedModel` on non-finite logits.
    static func forEachChunk(session: InferenceSession, hidden: FloatMatrix,
                             _ body: (_ logits: FloatMatrix, _ lse: [Float], _ firstRow: Int) throws -> Void) throws {
        let chunk = 32
        for start in stride(from: 0, to: hidden.rows, by: chunk) {
            let end = min(hidden.rows, start + chunk)
            let part = FloatMatrix(rows: end - start, cols: hidden.cols)
            part.copyRows(from: hidden, start..<end, to: 0)
            let logits = session.logits(fromHidden: part)
            let lse = Elementwise.logSumExp(logits)
            try session.checkFinite(logSumExps: lse)
            try body(logits, lse, start)
        }
    }

    /// The final layer's log-probability row `r` of a chunk, as the plain path computes each entry.
    static func logProbRow(_ logits: FloatMatrix, _ lse: [Float], _ r: Int) -> [Float] {
        let l = lse[r]
        return logits.row(r).map { $0 - l }
    }

    /// Whole log-probability rows (empty for rows with no targets), for contrastive decoding.
    static func logProbRows(session: InferenceSession, hidden: FloatMatrix, targets: [[Int32]]) throws -> [[Float]] {
        precondition(targets.count == hidden.rows, "one target list per row")
        var out: [[Float]] = []
        out.reserveCapacity(hidden.rows)
        try forEachChunk(session: session, hidden: hidden) { logits, lse, start in
            for r in 0..<logits.rows { out.append(targets[start + r].isEmpty ? [] : logProbRow(logits, lse, r)) }
        }
        return out
    }

    /// DoLa's per-token scores: log p_final(t) − β·log p_premature(t), the premature layer chosen
    /// per row by Jensen–Shannon divergence among `candidates`; the argmax is DoLa's greedy choice
    /// (relative-top filtered). `recorded` holds the same rows at the candidates' hook points.
    /// `chosen` counts how often each candidate layer was picked.
    static func dolaScores(session: InferenceSession, hidden: FloatMatrix, recorded: [HookPoint: FloatMatrix], targets: [[Int32]],
                           dola: DoLa, candidates: [Int], chosen: inout [Int: Int]) throws -> [TokenScorer] {
        precondition(targets.count == hidden.rows, "one target list per row")
        let layers = session.model.config.layers
        var out: [TokenScorer] = []
        out.reserveCapacity(hidden.rows)
        try forEachChunk(session: session, hidden: hidden) { logits, lse, start in
            let needed = (0..<logits.rows).filter { !targets[start + $0].isEmpty }
            // Premature logits for the needed rows only, one head projection per candidate layer.
            var premature: [Int: (FloatMatrix, [Float])] = [:]
            if !needed.isEmpty {
                for layer in candidates {
                    guard let point = DoLa.hookPoint(forLayer: layer, layers: layers) else { continue }
                    guard let source = recorded[point] else {
                        throw InterventionError(.badLayers, "dola: no activations were recorded at \(point)")
                    }
                    let rows = FloatMatrix(rows: needed.count, cols: source.cols)
                    for (i, r) in needed.enumerated() { rows.copyRows(from: source, (start + r)..<(start + r + 1), to: i) }
                    let l = session.logits(fromHidden: rows, applyFinalNorm: dola.norm == .final)
                    premature[layer] = (l, Elementwise.logSumExp(l))
                }
            }
            var neededIndex: [Int: Int] = [:]
            for (i, r) in needed.enumerated() { neededIndex[r] = i }
            for r in 0..<logits.rows {
                guard let i = neededIndex[r] else {
                    out.append(TokenScorer(logprobs: [:], argmax: -1))
                    continue
                }
                let final = logProbRow(logits, lse, r)
                let rows = candidates.map { layer in premature[layer].map { logProbRow($0.0, $0.1, i) } ?? final }
                let pick = DoLa.choosePremature(final: final, candidates: rows)
                chosen[candidates[pick], default: 0] += 1
                var lps: [Int32: Double] = [:]
                for t in targets[start + r] { lps[t] = Double(final[Int(t)]) - dola.beta * Double(rows[pick][Int(t)]) }
                let best = NextTokenMath.argmax(dola.filteredContrast(final: final, premature: rows[pick])) ?? 0
                out.append(TokenScorer(logprobs: lps, argmax: Int32(best)))
            }
        }
        return out
    }
}
