import TKEngine
import TKKernels

/// Log-probabilities of chosen tokens at each predicted position, plus the argmax — computed in
/// chunks of rows so no more than `chunk × vocab` logits exist at once.
struct TokenScorer {
    /// log p(target) for each requested target of this row, in request order.
    var logprobs: [Int32: Double]
    var argmax: Int32

    func logProbability(of token: Int32) -> Double { logprobs[token]! }

    /// One scorer per hidden row (final norm + output head applied); `targets[r]` lists the
    /// tokens whose log-probability row r must report. Throws `.damagedModel` on non-finite logits.
    static func scores(session: InferenceSession, hidden: FloatMatrix, targets: [[Int32]]) throws -> [TokenScorer] {
        precondition(targets.count == hidden.rows, "one target list per row")
        var out: [TokenScorer] = []
        out.reserveCapacity(hidden.rows)
        try session.forEachLogitChunk(hidden) { logits, lse, start in
            let argmaxes = Elementwise.argmax(logits)
            for r in 0..<logits.rows {
                var lps: [Int32: Double] = [:]
                for t in targets[start + r] { lps[t] = Double(logits[r, Int(t)] - lse[r]) }
                out.append(TokenScorer(logprobs: lps, argmax: argmaxes[r]))
            }
        }
        return out
    }
}
