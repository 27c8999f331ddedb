import TKEvalCore

extension GenerationEvaluator {
    /// Adds one judge's verdicts to generated answers, skipping answers that judge has already
    /// judged, and returns every result in the given order.
    ///
    /// - Parameters:
    ///   - judgeID: The judge's fingerprint; verdicts are stored under it, and an answer that
    ///     already has a verdict under it is not judged again (a resumed judging pass).
    ///   - onItem: Called with each newly judged result, so a caller can store it before going on.
    ///   - judge: Judges one answer. The CLI maps `TKJudges.JudgeVerdict` onto `JudgeVerdict`.
    /// - Throws: `BenchmarkError` when `judge` returns a verdict filed under another judge's
    ///   fingerprint (a wiring mistake that would mix judges in one summary), or whatever `judge` throws.
    public static func judge(
        _ results: [GenerationItemResult], judgeID: String,
        onItem: (GenerationItemResult) async throws -> Void = { _ in },
        judge: (GenerationItemResult) async throws -> JudgeVerdict
    ) async throws -> [GenerationItemResult] {
        var judged: [GenerationItemResult] = []
        judged.reserveCapacity(results.count)
        for result in results {
            if result.judgements[judgeID] != nil {
                judged.append(result)
                continue
            }
            try Task.checkCancellation()
            let verdict = try await judge(result)
            guard verdict.judge == judgeID else {
                throw BenchmarkError("The judge returned a verdict for '\(verdict.judge)' while judging as '\(judgeID)'; pass the judge's own fingerprint as judgeID.")
            }
            let updated = result.adding(verdict)
            try await onItem(updated)
            judged.append(updated)
        }
        return judged
    }
}
