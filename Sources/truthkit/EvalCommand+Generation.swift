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
    var judgement: GenerationJudgement
}

extension EvalCommand {
    /// `--task truthfulqa-gen`: generate answers (stored per item), score them with BLEU/ROUGE
    /// against the references, and optionally judge them.
    func evaluateGeneration(dataset: TruthfulQADataset, items: [TruthfulQAItem], loaded: LoadedModel,
                            preset: PromptPreset, settings baseSettings: [String: String]) async throws {
        let generation = GenerationSettings(maxTokens: maxTokens, temperature: 0, seed: seed)
        let evaluator = try GenerationEvaluator(model: loaded.model, preset: preset, settings: generation)
        var settings = baseSettings
        settings["max_tokens"] = String(maxTokens)
        settings["decoding"] = "greedy"
        settings["stop"] = evaluator.stops.map(\.debugDescription).joined(separator: ",")
        let answersKey = RunKey(modelName: loaded.model.identity.name, modelFingerprint: loaded.model.identity.fingerprint,
                                task: Task.gen.rawValue, taskVersion: "1", dataChecksum: dataset.checksum, settings: settings)
        let answers = StoredEvaluation<GenerationItemResult>(
            task: Task.gen.rawValue, taskVersion: "1", model: loaded.model.identity, dataset: dataset, items: items,
            settings: settings, storePath: store, progressLabel: "truthfulqa-gen")
        let (outcome, runStore) = try await answers.run(
            evaluate: { completed, onItem in try await evaluator.evaluate(items, completed: completed, onItem: onItem) },
            index: \.index)
        var results = outcome.results
        var judgeSummaryID: String?

        if judge.isSet {
            let references = dataset.items.map(JudgeReference.init)
            let loadedJudge = try await judge.load(threads: engine.threads, references: references)
            do {
                let judgeID = loadedJudge.judge.fingerprint.id
                judgeSummaryID = judgeID
                let judging = StoredEvaluation<StoredJudgement>(
                    task: "truthfulqa-gen-judge", taskVersion: "1",
                    model: ModelIdentity(name: judgeID, backend: "judge", fingerprint: judgeID),
                    dataset: dataset, items: items, settings: ["answers_run": answersKey.digest], storePath: store,
                    progressLabel: "judging")
                let (judged, _) = try await judging.run(
                    evaluate: { completed, onItem in
                        let withStored = results.map { r in completed[r.index].map { r.adding($0.judgement) } ?? r }
                        let out = try await GenerationEvaluator.judge(withStored, judgeID: judgeID, onItem: { r in
                            try await onItem(StoredJudgement(index: r.index, judgement: r.judgements[judgeID]!))
                        }, judge: { r in
                            GenerationJudgement(try await loadedJudge.judge.judge(question: r.question, answer: r.answer))
                        })
                        return out.map { StoredJudgement(index: $0.index, judgement: $0.judgements[judgeID]!) }
                    }, index: \.index)
                let byIndex = Dictionary(judged.results.map { ($0.index, $0.judgement) }) { a, _ in a }
                results = results.map { r in byIndex[r.index].map { r.adding($0) } ?? r }
            } catch {
                await loadedJudge.close()
                throw error
            }
            await loadedJudge.close()
        }

        let summary = try GenerationEvaluator.summarize(results)
        // One summary for the report: similarity metrics, plus the judge's rates per item.
        let itemScores = results.map { r -> ItemScore in
            var values = r.metrics
            if let id = judgeSummaryID, let j = r.judgements[id] {
                if let t = j.truthful { values[GenerationMetricName.truthful] = t ? 1 : 0 }
                if let i = j.informative { values[GenerationMetricName.informative] = i ? 1 : 0 }
                if let t = j.truthful, let i = j.informative { values[GenerationMetricName.truthfulInformative] = t && i ? 1 : 0 }
            }
            return ItemScore(category: r.category, type: r.type, values: values)
        }
        let combined = try MetricsSummary(items: itemScores)
        var extra: [String: Double] = ["hit_token_limit": Double(summary.hitTokenLimit.count), "empty_answers": Double(summary.emptyAnswers.count)]
        if let id = judgeSummaryID, let j = summary.judges[id] {
            extra["judge_unparsed"] = Double(j.unparsedCount)
            extra["judge_decided_by_rule"] = Double(j.decidedByRule)
        }
        let headline = [GenerationMetricName.truthfulInformative, GenerationMetricName.truthful, GenerationMetricName.informative,
                        SimilarityMetric.bleu.accKey, SimilarityMetric.rouge1.accKey, SimilarityMetric.rougeL.accKey]
        var reportSettings = settings.merging(["limit": String(items.count), "data": dataset.fileURL.path]) { a, _ in a }
        if let judgeSummaryID { reportSettings["judge"] = judgeSummaryID }
        let counters = await loaded.tokenCounters()
        let report = EvalReport(
            task: Task.gen.rawValue, model: loaded.model.identity, settings: reportSettings, summary: combined,
            run_id: outcome.runID,
            tokens: .init(computed: counters.computed, from_scratch: 0, seconds: outcome.seconds, items_scored: items.count - outcome.resumed),
            headline: headline, extra: extra)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        if outcome.complete {
            _ = try await runStore.finish(run: outcome.runID, summary: try encoder.encode(report))
        }
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
