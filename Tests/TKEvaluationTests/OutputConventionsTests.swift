import Foundation
import Testing
import TKBenchmarks
import TKEvalCore
import TKEvaluation
import TKMetrics

@Suite struct OutputConventionsTests {
    @Test func perItemRecordsAreSnakeCaseButMetricNamesStayAsTheyAre() throws {
        let r = GenerationItemResult(index: 3, question: "Q?", category: "Misconceptions", rawText: " raw", answer: "raw",
                                     finishReason: .endOfGeneration, tokenCount: 2, hitTokenLimit: false, bestAnswer: "b",
                                     metrics: ["rougeL_acc": 1, "bleu_max": 3])
        let object = try #require(try JSONSerialization.jsonObject(with: OutputJSON.encoder().encode(r)) as? [String: Any])
        // `type` is nil here, and absent values are left out.
        #expect(Set(object.keys) == ["index", "question", "category", "language", "raw_text", "answer", "finish_reason",
                                     "token_count", "hit_token_limit", "best_answer", "metrics", "judgements"])
        #expect((object["metrics"] as? [String: Double])?.keys.sorted() == ["bleu_max", "rougeL_acc"])
        #expect(object["finish_reason"] as? String == "eos")
    }

    @Test func reportsCarryTheSchemaVersionAndSnakeCaseTokens() throws {
        let summary = try MetricsSummary(items: [ItemScore(category: "Health", values: ["mc1": 1]), ItemScore(category: "Health", values: ["mc1": 0])])
        let report = EvaluationReport(task: "truthfulqa-mc", model: ModelIdentity(name: "m", backend: "b", fingerprint: "f"),
                                      settings: ["preset": "qa"], summary: summary, runID: 7,
                                      tokens: .init(computed: 10, fromScratch: 20, seconds: 1.5, itemsScored: 2), headline: ["mc1"])
        let object = try #require(try JSONSerialization.jsonObject(with: OutputJSON.encoder().encode(report)) as? [String: Any])
        #expect(object["schema_version"] as? Int == EvaluationReport.schemaVersion)
        #expect(object["run_id"] as? Int == 7)
        #expect((object["tokens"] as? [String: Any]).map { Set($0.keys) } == ["computed", "from_scratch", "seconds", "items_scored"])
        #expect((object["by_category"] as? [String: Any])?.keys.sorted() == ["Health"])
        #expect((object["metrics"] as? [String: Double])?["mc1"] == 0.5)
    }

    @Test func homeAndTildeResolveOneWay() {
        let env = ["HOME": "/home/ada"]
        #expect(TruthKitPaths.root(environment: env).path == "/home/ada/.cache/truthkit")
        #expect(TruthKitPaths.root(environment: env.merging(["TRUTHKIT_HOME": "~"]) { a, _ in a }).path == "/home/ada")
        #expect(TruthKitPaths.root(environment: env.merging(["TRUTHKIT_HOME": "~/tk"]) { a, _ in a }).path == "/home/ada/tk")
        #expect(TruthKitPaths.root(environment: env.merging(["TRUTHKIT_HOME": "/srv/tk/../tk2"]) { a, _ in a }).path == "/srv/tk2")
        #expect(TruthKitPaths.expand("~user", environment: env).path.hasSuffix("/~user"), "only ~ and ~/ are the home folder")
    }
}
