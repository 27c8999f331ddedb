import TKKernels

/// One token with its log-probability and the most likely alternatives at its position.
///
/// `logprob` is nil for the first prompt token, which nothing predicts. `top` is sorted by
/// descending log-probability (ties by lower id) and holds at most the number of alternatives
/// the request asked for.
struct TokenLogprob: Sendable {
    var id: Int32
    var logprob: Float?
    var top: [(id: Int32, logprob: Float)]
}

/// Reads log-probabilities out of a logits matrix the way the engine does (`logit − logsumexp`,
/// with the engine's own log-sum-exp), so the numbers equal `InferenceSession.scoreSequence` and
/// the log-probabilities `generate` reports, bit for bit.
enum LogprobReader {
    /// log p(target) and the `topCount` best alternatives for row `row` of `logits`.
    /// `argmax`, when the caller has it from the kernels, answers `topCount == 1` without a scan
    /// (the usual request: lm-eval and TruthKit's client ask for `logprobs: 1`).
    static func read(logits: FloatMatrix, row: Int, lse: Float, target: Int32, topCount: Int, argmax: Int32? = nil) -> TokenLogprob {
        let lp = logits[row, Int(target)] - lse
        guard topCount > 0 else { return TokenLogprob(id: target, logprob: lp, top: []) }
        if topCount == 1, let argmax { return TokenLogprob(id: target, logprob: lp, top: [(argmax, logits[row, Int(argmax)] - lse)]) }
        let values = logits.row(row)
        return TokenLogprob(id: target, logprob: lp, top: best(values, count: topCount).map { ($0.id, $0.logit - lse) })
    }

    /// The `count` largest entries of `values` (descending, ties to the lower index).
    static func best(_ values: [Float], count: Int) -> [(id: Int32, logit: Float)] {
        var top: [(id: Int32, logit: Float)] = []
        top.reserveCapacity(count + 1)
        for (i, v) in values.enumerated() {
            if top.count == count, let last = top.last, !(v > last.logit) { continue }
            var pos = top.count
            while pos > 0 && v > top[pos - 1].logit { pos -= 1 }
            top.insert((Int32(i), v), at: pos)
            if top.count > count { top.removeLast() }
        }
        return top
    }
}
