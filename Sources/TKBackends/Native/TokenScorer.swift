import TKEngine
import TKKernels

/// Log-probabilities of chosen tokens at each predicted position, plus the argmax — from the output
/// head's `LogSoftmaxSummary`, so no `rows × vocab` logits are kept.
struct TokenScorer {
    /// log p(target) for each requested target of this row, in request order.
    var logprobs: [Int32: Double]
    /// The row's most likely token; -1 for a row with no targets (nothing was computed for it).
    var argmax: Int32

    func logProbability(of token: Int32) -> Double { logprobs[token]! }

    /// One scorer per hidden row (final norm + output head applied); `targets[r]` lists the
    /// tokens whose log-probability row r must report. Only rows with targets go through the
    /// output head (the last row of each branch predicts nothing); since its products are
    /// row-invariant, leaving the others out changes no number. Throws `.damagedModel` on
    /// non-finite logits.
    static func scores(session: InferenceSession, hidden: FloatMatrix, targets: [[Int32]]) throws -> [TokenScorer] {
        precondition(targets.count == hidden.rows, "one target list per row")
        let predicting = targets.indices.filter { !targets[$0].isEmpty }
        var out = [TokenScorer](repeating: TokenScorer(logprobs: [:], argmax: -1), count: hidden.rows)
        guard !predicting.isEmpty else { return out }
        let rows = FloatMatrix(rows: predicting.count, cols: hidden.cols)
        for (i, r) in predicting.enumerated() { rows.copyRows(from: hidden, r..<(r + 1), to: i) }
        let summary = try session.logSoftmaxSummary(fromHidden: rows, targets: predicting.map { targets[$0] })
        for (i, r) in predicting.enumerated() {
            var lps: [Int32: Double] = [:]
            for (j, t) in targets[r].enumerated() { lps[t] = Double(summary.logProbability(row: i, target: j)) }
            out[r] = TokenScorer(logprobs: lps, argmax: summary.argmax[i])
        }
        return out
    }
}
