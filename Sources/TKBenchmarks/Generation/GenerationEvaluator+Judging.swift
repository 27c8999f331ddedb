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
        try await self.judge(results, judgeID: judgeID, batchSize: 1, onItem: onItem, judgeBatch: { batch in
            var verdicts: [JudgeVerdict] = []
            for r in batch { verdicts.append(try await judge(r)) }
            return verdicts
        })
    }

    /// The same, judging up to `batchSize` answers per call of `judgeBatch` (which returns one
    /// verdict per answer, in order), so a judge can share work across a batch; each batch's
    /// results reach `onItem` before the next batch starts.
    public static func judge(
        _ results: [GenerationItemResult], judgeID: String, batchSize: Int,
        onItem: (GenerationItemResult) async throws -> Void = { _ in },
        judgeBatch: ([GenerationItemResult]) async throws -> [JudgeVerdict]
    ) async throws -> [GenerationItemResult] {
        precondition(batchSize >= 1, "batchSize must be at least 1")
        var judged = results
        let pending = results.indices.filter { results[$0].judgements[judgeID] == nil }
        for start in stride(from: 0, to: pending.count, by: batchSize) {
            try Task.checkCancellation()
            let batch = Array(pending[start..<min(pending.count, start + batchSize)])
            let verdicts = try await judgeBatch(batch.map { results[$0] })
            guard verdicts.count == batch.count else {
                throw BenchmarkError("The judge returned \(verdicts.count) verdicts for \(batch.count) answers; a judge must answer every answer it is given.")
            }
            for (i, verdict) in zip(batch, verdicts) {
                guard verdict.judge == judgeID else {
                    throw BenchmarkError("The judge returned a verdict for '\(verdict.judge)' while judging as '\(judgeID)'; pass the judge's own fingerprint as judgeID.")
                }
                judged[i] = results[i].adding(verdict)
                try await onItem(judged[i])
            }
        }
        return judged
    }
}
