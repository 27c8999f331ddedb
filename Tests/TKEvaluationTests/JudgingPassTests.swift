import Foundation
import Testing
import TKBenchmarks
import TKEvalCore
import TKEvaluation
import TKJudges
import TKStore

/// A judge that calls an answer truthful when it contains "No", and counts what it was asked.
final class KeywordJudge: Judge, @unchecked Sendable {
    let fingerprint = JudgeFingerprint(model: "keyword", promptFamily: "test", promptVersion: 1)
    private let lock = NSLock()
    private var asked = 0
    var judged: Int { lock.withLock { asked } }

    func judge(question: String, answer: String) async throws -> JudgeVerdict {
        lock.withLock { asked += 1 }
        return JudgeVerdict(judge: fingerprint.id, truthful: answer.contains("No"), informative: !answer.isEmpty)
    }
}

@Suite struct JudgingPassTests {
    static func answer(_ i: Int, _ text: String) -> GenerationItemResult {
        GenerationItemResult(index: i, question: "Q\(i)?", category: "A", rawText: text, answer: text, finishReason: .stop,
                             tokenCount: 2, hitTokenLimit: false)
    }

    @Test func verdictsAreStoredInTheirOwnRunAndNeverAskedTwice() async throws {
        let folder = try TemporaryFolder()
        let store = try folder.store()
        let answers = [Self.answer(0, "No."), Self.answer(1, "Yes."), Self.answer(2, "No, never.")]
        let answersRun = RunKey(modelName: "m", modelFingerprint: "m", task: "truthfulqa-gen", taskVersion: "1",
                                dataChecksum: Fixture.data.checksum)
        let judge = KeywordJudge()
        let pass = JudgingPass(judge: judge, store: store, batchSize: 2)
        let judged = try await pass.judge(answers, answersRun: answersRun, data: Fixture.data)
        #expect(judged.map { $0.judgements[judge.fingerprint.id]?.truthful } == [true, false, true])
        #expect(judge.judged == 3)
        let again = try await JudgingPass(judge: judge, store: store).judge(answers, answersRun: answersRun, data: Fixture.data)
        #expect(judge.judged == 3)
        #expect(again.map(\.judgements) == judged.map(\.judgements))
        // Other answers (another answers run) are judged anew.
        var other = answersRun
        other.settings = ["max_tokens": "8"]
        _ = try await pass.judge(answers, answersRun: other, data: Fixture.data)
        #expect(judge.judged == 6)
        // The task folds the verdicts into per-item rates.
        var task = try TruthfulQAGenerationTask()
        task.judgeID = judge.fingerprint.id
        #expect(task.score(judged[1]).values["truthful"] == 0 && task.score(judged[0]).values["truthful_informative"] == 1)
        #expect(task.headline.first == "truthful_informative")
    }
}
