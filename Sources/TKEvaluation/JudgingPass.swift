import TKBenchmarks
import TKEvalCore
import TKJudges
import TKStore

/// Judges generated answers in a stored run of its own, keyed by the judge's fingerprint and the
/// answers run's key: re-judging with another judge never regenerates answers, the same judge
/// never judges the same answers twice, and an interrupted judging pass resumes.
public struct JudgingPass: Sendable {
    public static let taskName = "truthfulqa-gen-judge"

    public let judge: any Judge
    public let store: ResultStore
    /// Answers per call of the judge (the paper judge computes each few-shot block once per batch).
    public var batchSize: Int
    public var progress: ProgressHandler?

    public init(judge: any Judge, store: ResultStore, batchSize: Int = 16, progress: ProgressHandler? = nil) {
        self.judge = judge
        self.store = store
        self.batchSize = batchSize
        self.progress = progress
    }

    /// One stored verdict.
    struct StoredJudgement: Codable, Sendable {
        var index: Int
        var judgement: JudgeVerdict
    }

    /// `answers` (from the run keyed `answersRun`) with this judge's verdict added to each.
    public func judge(_ answers: [GenerationItemResult], answersRun: RunKey, data: DatasetIdentity,
                      label: String = "judging") async throws -> [GenerationItemResult] {
        let judgeID = judge.fingerprint.id
        let key = RunKey(modelName: judgeID, modelFingerprint: judgeID, task: Self.taskName, taskVersion: "1",
                         dataChecksum: data.checksum, settings: ["answers_run": answersRun.digest])
        let session = try await StoredRunSession<StoredJudgement>(store: store, key: key, dataItemCount: data.itemCount)
        let withStored = answers.map { r in session.stored[r.index].map { r.adding($0.judgement) } ?? r }
        let resumed = withStored.count { $0.judgements[judgeID] != nil }
        var state = EvaluationProgress(label: label, runID: session.runID, completed: resumed, total: answers.count, resumed: resumed)
        progress?(state)
        defer { state.finished = true; progress?(state) }
        let judge = self.judge
        return try await GenerationEvaluator.judge(withStored, judgeID: judgeID, batchSize: batchSize, onItem: { r in
            try await session.record(StoredJudgement(index: r.index, judgement: r.judgements[judgeID]!), index: r.index)
            state.completed += 1
            progress?(state)
        }, judgeBatch: { batch in
            try await judge.judge(batch.map { JudgedAnswer(question: $0.question, answer: $0.answer) })
        })
    }
}
