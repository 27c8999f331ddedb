import ArgumentParser
import Foundation
import TKBenchmarks
import TKEvalCore
import TKEvaluation
import TKJudges
import TKMetrics
import TKStore

extension EvalCommand {
    /// Greedy decoding with `--max-tokens` and `--seed`: what every generation run uses.
    var generationSettings: GenerationSettings { GenerationSettings(maxTokens: maxTokens, temperature: 0, seed: seed) }

    /// `--task truthfulqa-gen`: generate answers (stored per item), score them with BLEU/ROUGE
    /// against the references, and optionally judge them in a judging run of their own.
    func evaluateGeneration(dataset: TruthfulQADataset, items: [TruthfulQAItem], loaded: LoadedModel,
                            preset: PromptPreset, settings: [String: String]) async throws {
        var task = try TruthfulQAGenerationTask(preset: preset, generation: generationSettings)
        let runStore = try ResultStore(path: store)
        let evaluator = evaluator(store: runStore)
        let outcome = try await evaluator.run(task, items: items, model: loaded.model, data: dataset.identity, settings: settings)
        var results = outcome.results

        if judge.isSet {
            let loadedJudge = try await judge.load(threads: engine.threads, references: dataset.items.map(JudgeReference.init))
            do {
                task.judgeID = loadedJudge.judge.fingerprint.id
                results = try await JudgingPass(judge: loadedJudge.judge, store: runStore, progress: evaluator.progress)
                    .judge(results, answersRun: outcome.key, data: dataset.identity)
            } catch {
                await loadedJudge.close()
                throw error
            }
            await loadedJudge.close()
        }

        let summary = try GenerationEvaluator.summarize(results)
        var extra: [String: Double] = ["hit_token_limit": Double(summary.hitTokenLimit.count), "empty_answers": Double(summary.emptyAnswers.count)]
        if let id = task.judgeID, let j = summary.judges[id] {
            extra["judge_unparsed"] = Double(j.unparsedCount)
            extra["judge_decided_by_rule"] = Double(j.decidedByRule)
        }
        var judged = outcome
        judged.results = results
        let report = try await self.report(task, outcome: judged, data: dataset.identity, loaded: loaded, items: items.count,
                                           extra: extra, settings: task.judgeID.map { ["judge": $0] } ?? [:])
        try await outcome.finishIfComplete(summary: report)
        noteIfPartial(outcome, items: items.count, data: dataset.identity)
        if let out {
            try report.write(results: results, to: out)
            let table = GenerationReport(results: results, judges: task.judgeID.map { [.init(id: $0, label: "judge")] } ?? [])
            try Data(table.csv.utf8).write(to: URL(fileURLWithPath: out).appendingPathComponent("answers.csv"), options: .atomic)
        }
        if !summary.hitTokenLimit.isEmpty {
            printError("\(summary.hitTokenLimit.count) answer(s) hit the \(maxTokens)-token limit (items \(summary.hitTokenLimit.prefix(10).map(String.init).joined(separator: ", "))\(summary.hitTokenLimit.count > 10 ? ", …" : "")); raise --max-tokens to let them finish")
        }
        if json { try printJSON(report) } else { print(report.table()) }
    }
}
