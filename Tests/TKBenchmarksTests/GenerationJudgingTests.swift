import Testing
import TKBenchmarks
import TKEvalCore
import TKMetrics

@Suite struct GenerationJudgingTests {
    static func result(_ index: Int, _ answer: String, category: String, type: String = "Adversarial") -> GenerationItemResult {
        GenerationItemResult(index: index, question: "Q\(index)?", category: category, type: type, rawText: " " + answer,
                             answer: answer, finishReason: .stop, tokenCount: 3, hitTokenLimit: false, bestAnswer: "B\(index).")
    }

    static let answers = [
        result(0, "True and informative.", category: "A"),
        result(1, "I have no comment.", category: "A"),
        result(2, "False but informative.", category: "B", type: "Non-Adversarial"),
        result(3, "Garbled verdict.", category: "B", type: "Non-Adversarial"),
    ]

    /// Verdicts worked out by hand: T∧I, T∧¬I (rule), ¬T∧I, unparsed truthfulness.
    static func verdict(_ result: GenerationItemResult, judge: String) -> JudgeVerdict {
        switch result.index {
        case 0: JudgeVerdict(judge: judge, truthful: true, informative: true, truthfulProbability: 0.9, informativeProbability: 0.8)
        case 1: JudgeVerdict(judge: judge, truthful: true, informative: false, rule: "no-comment")
        case 2: JudgeVerdict(judge: judge, truthful: false, informative: true, truthfulProbability: 0.2, informativeProbability: 0.7)
        default: JudgeVerdict(judge: judge, truthful: nil, informative: true, raw: "Truthful: maybe\nInformative: yes")
        }
    }

    @Test func ratesExcludeUnparsedVerdictsAndCountThem() async throws {
        let judged = try await GenerationEvaluator.judge(Self.answers, judgeID: "j1") { Self.verdict($0, judge: "j1") }
        let summary = try GenerationEvaluator.summarize(judged, bootstrap: Bootstrap(resamples: 20))
        let j = try #require(summary.judges["j1"])
        #expect(j.judgedCount == 4 && j.unparsedCount == 1 && j.unparsedTruthful == [3] && j.unparsedInformative.isEmpty)
        #expect(j.decidedByRule == 1 && j.notJudged == 0)
        let rates = try #require(j.rates)
        // truthful: items 0, 1 true, 2 false, 3 excluded → 2/3; informative: 0, 2, 3 yes, 1 no → 3/4; both: only item 0 of 0–2 → 1/3.
        #expect(abs(rates.metrics["truthful"]!.mean - 2.0 / 3) < 1e-12 && rates.metrics["truthful"]!.count == 3)
        #expect(rates.metrics["informative"]!.mean == 0.75)
        #expect(abs(rates.metrics["truthful_informative"]!.mean - 1.0 / 3) < 1e-12)
        #expect(rates.byCategory["A"]!["truthful"]!.mean == 1)
        #expect(rates.byType["Non-Adversarial"]!["truthful"]!.mean == 0)
        #expect(rates.byType["Non-Adversarial"]!["truthful"]!.count == 1)
    }

    @Test func batchesJudgeOnlyPendingAnswersAndStoreEachInOrder() async throws {
        // Item 1 already judged: batches of 2 over the other three are [0, 2] and [3].
        let partly = Self.answers.map { $0.index == 1 ? $0.adding(Self.verdict($0, judge: "j1")) : $0 }
        var batches: [[Int]] = [], stored: [Int] = []
        let judged = try await GenerationEvaluator.judge(partly, judgeID: "j1", batchSize: 2, onItem: { stored.append($0.index) },
                                                         judgeBatch: { batch in
                                                             batches.append(batch.map(\.index))
                                                             return batch.map { Self.verdict($0, judge: "j1") }
                                                         })
        #expect(batches == [[0, 2], [3]])
        #expect(stored == [0, 2, 3])
        let oneByOne = try await GenerationEvaluator.judge(Self.answers, judgeID: "j1") { Self.verdict($0, judge: "j1") }
        #expect(judged == oneByOne)
        // A judge that drops a verdict is an error, not a silently unjudged answer.
        await #expect(throws: BenchmarkError.self) {
            _ = try await GenerationEvaluator.judge(Self.answers, judgeID: "j1", batchSize: 3, judgeBatch: { batch in
                Array(batch.dropLast().map { Self.verdict($0, judge: "j1") })
            })
        }
    }

    @Test func rejudgingSkipsJudgedAnswersAndKeepsOtherJudges() async throws {
        let once = try await GenerationEvaluator.judge(Self.answers, judgeID: "j1") { Self.verdict($0, judge: "j1") }
        var calls = 0
        let again = try await GenerationEvaluator.judge(once, judgeID: "j1") { calls += 1; return Self.verdict($0, judge: "j1") }
        #expect(calls == 0 && again == once)
        var reported: [Int] = []
        let second = try await GenerationEvaluator.judge(once, judgeID: "j2", onItem: { reported.append($0.index) }) {
            JudgeVerdict(judge: "j2", truthful: $0.index != 2, informative: true)
        }
        #expect(reported == [0, 1, 2, 3])
        #expect(second.allSatisfy { $0.judgements.count == 2 && $0.answer == Self.answers[$0.index].answer })
        let summary = try GenerationEvaluator.summarize(second, bootstrap: Bootstrap(resamples: 20))
        #expect(summary.judges["j2"]?.rates?.metrics["truthful"]?.mean == 0.75)
        #expect(summary.judges["j1"]?.unparsedCount == 1)
    }

    @Test func aVerdictFiledUnderAnotherJudgeIsAnError() async {
        await #expect(throws: BenchmarkError.self) {
            _ = try await GenerationEvaluator.judge(Self.answers, judgeID: "j1") { Self.verdict($0, judge: "other") }
        }
    }

    @Test func reportHasOneRowPerAnswerWithJudgeColumns() async throws {
        let judged = try await GenerationEvaluator.judge(Self.answers, judgeID: "j1") { Self.verdict($0, judge: "j1") }
        var withMetrics = judged
        withMetrics[0].metrics = ["bleu_max": 12.5, "bleu_acc": 1]
        withMetrics[0].question = "Is it \"quoted\", with a comma?"
        let report = GenerationReport(results: withMetrics, judges: [.init(id: "j1")])
        #expect(report.columns.prefix(5) == ["index", "question", "answer", "best_answer", "hit_token_limit"])
        #expect(report.columns.contains("rougeL_diff") && report.columns.suffix(5) == ["truthful", "truthful_p", "informative", "informative_p", "judge_rule"])
        #expect(report.rows.count == 4 && report.rows.allSatisfy { $0.count == report.columns.count })
        let bleuMax = report.columns.firstIndex(of: "bleu_max")!
        #expect(report.rows[0][bleuMax] == "12.5" && report.rows[0][report.columns.firstIndex(of: "bleu_acc")!] == "1")
        #expect(report.rows[0].suffix(5) == ["yes", "0.9", "yes", "0.8", ""])
        #expect(report.rows[1].suffix(5) == ["yes", "", "no", "", "no-comment"])
        #expect(report.rows[3].suffix(5).first == "unparsed")
        #expect(report.csv.contains("\"Is it \"\"quoted\"\", with a comma?\""))
    }
}
