import ArgumentParser
import Foundation
import TKBenchmarks
import TKEvalCore
import TKJudges
import TKMetrics
import TKStore

/// One stored judge verdict: the judging pass is its own run (keyed by the judge's fingerprint and
/// the answers' run), so re-judging with another judge never regenerates answers.
struct StoredJudgement: Codable, Sendable {
    var index: Int
    var judgement: JudgeVerdict
}

extension EvalCommand {
    /// Greedy decoding with `--max-tokens` and `--seed`: what every generation run uses.
    var generationSettings: GenerationSettings { GenerationSettings(maxTokens: maxTokens, temperature: 0, seed: seed) }

    /// The stored settings of a generation run over `evaluator` (its decoding and stops included,
    /// so changing either starts another run).
    func generationRunSettings(_ base: [String: String], evaluator: GenerationEvaluator) -> [String: String] {
        var settings = base
        settings["max_tokens"] = String(maxTokens)
        settings["decoding"] = "greedy"
        settings["stop"] = evaluator.stops.map(\.debugDescription).joined(separator: ",")
        return settings
    }

    /// Generates (or resumes) the answers of `items` with `model`, stored per item; returns them
    /// with the answers run's key digest (what the judging pass is keyed by).
    func generateAnswers(model: any LanguageModel, preset: PromptPreset, dataset: TruthfulQADataset, items: [TruthfulQAItem],
                         settings base: [String: String], label: String) async throws
        -> (outcome: StoredEvaluation<GenerationItemResult>.Outcome, store: ResultStore, settings: [String: String], answersDigest: String) {
        let evaluator = try GenerationEvaluator(model: model, preset: preset, settings: generationSettings)
        let settings = generationRunSettings(base, evaluator: evaluator)
        let key = RunKey(modelName: model.identity.name, modelFingerprint: model.identity.fingerprint,
                         task: Task.gen.rawValue, taskVersion: "1", dataChecksum: dataset.checksum, settings: settings)
        let answers = StoredEvaluation<GenerationItemResult>(
            task: Task.gen.rawValue, taskVersion: "1", model: model.identity, dataset: dataset, items: items,
            settings: settings, storePath: store, progressLabel: label)
        let (outcome, runStore) = try await answers.run(
            evaluate: { completed, onItem in try await evaluator.evaluate(items, completed: completed, onItem: onItem) },
            index: \.index)
        return (outcome, runStore, settings, key.digest)
    }

    /// Judges `results` with `judge` in its own stored run (keyed by the judge and the answers
    /// run), so re-judging never regenerates and an interrupted judging pass resumes.
    func judgeAnswers(_ results: [GenerationItemResult], answersDigest: String, judge loaded: JudgeOptions.Loaded,
                      dataset: TruthfulQADataset, items: [TruthfulQAItem], label: String = "judging") async throws -> [GenerationItemResult] {
        let judgeID = loaded.judge.fingerprint.id
        let judging = StoredEvaluation<StoredJudgement>(
            task: "truthfulqa-gen-judge", taskVersion: "1",
            model: ModelIdentity(name: judgeID, backend: "judge", fingerprint: judgeID),
            dataset: dataset, items: items, settings: ["answers_run": answersDigest], storePath: store,
            progressLabel: label)
        let (judged, _) = try await judging.run(
            evaluate: { completed, onItem in
                let withStored = results.map { r in completed[r.index].map { r.adding($0.judgement) } ?? r }
                // Batches of 16: the paper judge then computes each aspect's few-shot block once per batch.
                let out = try await GenerationEvaluator.judge(withStored, judgeID: judgeID, batchSize: 16, onItem: { r in
                    try await onItem(StoredJudgement(index: r.index, judgement: r.judgements[judgeID]!))
                }, judgeBatch: { batch in
                    try await loaded.judge.judge(batch.map { JudgedAnswer(question: $0.question, answer: $0.answer) })
                })
                return out.map { StoredJudgement(index: $0.index, judgement: $0.judgements[judgeID]!) }
            }, index: \.index)
        let byIndex = Dictionary(judged.results.map { ($0.index, $0.judgement) }) { a, _ in a }
        return results.map { r in byIndex[r.index].map { r.adding($0) } ?? r }
    }

    /// Per-item values for one summary: the similarity metrics, plus the judge's verdicts (as 0/1)
    /// where `judgeID` judged the item and reached one.
    static func generationItemScores(_ results: [GenerationItemResult], judgeID: String?) -> [ItemScore] {
        results.map { r in
            var values = r.metrics
            if let id = judgeID, let j = r.judgements[id] {
                if let t = j.truthful { values[GenerationMetricName.truthful] = t ? 1 : 0 }
                if let i = j.informative { values[GenerationMetricName.informative] = i ? 1 : 0 }
                if let t = j.truthful, let i = j.informative { values[GenerationMetricName.truthfulInformative] = t && i ? 1 : 0 }
            }
            return ItemScore(category: r.category, type: r.type, values: values)
        }
    }

    /// The report's headline metrics for generation, judge rates first.
    static let generationHeadline = [GenerationMetricName.truthfulInformative, GenerationMetricName.truthful, GenerationMetricName.informative,
                                     SimilarityMetric.bleu.accKey, SimilarityMetric.rouge1.accKey, SimilarityMetric.rougeL.accKey]

    /// `--task truthfulqa-gen`: generate answers (stored per item), score them with BLEU/ROUGE
    /// against the references, and optionally judge them.
    func evaluateGeneration(dataset: TruthfulQADataset, items: [TruthfulQAItem], loaded: LoadedModel,
                            preset: PromptPreset, settings baseSettings: [String: String]) async throws {
        let (outcome, runStore, settings, answersDigest) = try await generateAnswers(
            model: loaded.model, preset: preset, dataset: dataset, items: items, settings: baseSettings, label: "truthfulqa-gen")
        var results = outcome.results
        var judgeSummaryID: String?

        if judge.isSet {
            let references = dataset.items.map(JudgeReference.init)
            let loadedJudge = try await judge.load(threads: engine.threads, references: references)
            do {
                judgeSummaryID = loadedJudge.judge.fingerprint.id
                results = try await judgeAnswers(results, answersDigest: answersDigest, judge: loadedJudge, dataset: dataset, items: items)
            } catch {
                await loadedJudge.close()
                throw error
            }
            await loadedJudge.close()
        }

        let summary = try GenerationEvaluator.summarize(results)
        let combined = try MetricsSummary(items: Self.generationItemScores(results, judgeID: judgeSummaryID))
        var extra: [String: Double] = ["hit_token_limit": Double(summary.hitTokenLimit.count), "empty_answers": Double(summary.emptyAnswers.count)]
        if let id = judgeSummaryID, let j = summary.judges[id] {
            extra["judge_unparsed"] = Double(j.unparsedCount)
            extra["judge_decided_by_rule"] = Double(j.decidedByRule)
        }
        var reportSettings = settings.merging(["limit": String(items.count), "data": dataset.fileURL.path]) { a, _ in a }
        if let judgeSummaryID { reportSettings["judge"] = judgeSummaryID }
        let counters = await loaded.tokenCounters()
        let report = EvalReport(
            task: Task.gen.rawValue, model: loaded.model.identity, settings: reportSettings, summary: combined,
            run_id: outcome.runID,
            tokens: .init(computed: counters.computed, from_scratch: 0, seconds: outcome.seconds, items_scored: items.count - outcome.resumed),
            headline: Self.generationHeadline, extra: extra)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try await outcome.finishIfComplete(in: runStore) { _ in report }
        if let out {
            try report.write(results: results, to: out, encoder: encoder)
            let table = GenerationReport(results: results, judges: judgeSummaryID.map { [.init(id: $0, label: "judge")] } ?? [])
            try Data(table.csv.utf8).write(to: URL(fileURLWithPath: out).appendingPathComponent("answers.csv"), options: .atomic)
        }
        if !summary.hitTokenLimit.isEmpty {
            printError("\(summary.hitTokenLimit.count) answer(s) hit the \(maxTokens)-token limit (items \(summary.hitTokenLimit.prefix(10).map(String.init).joined(separator: ", "))\(summary.hitTokenLimit.count > 10 ? ", …" : "")); raise --max-tokens to let them finish")
        }
        if json { try printJSON(report) } else { print(report.table()) }
    }
}
