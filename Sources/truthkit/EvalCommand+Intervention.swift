import ArgumentParser
import Foundation
import TKBackends
import TKBenchmarks
import TKEngine
import TKEvalCore
import TKEvaluation
import TKInterventions
import TKJudges
import TKStore

/// `eval --intervention …`: wiring for `FoldedComparison` — the baseline and the intervened model on
/// the same held-out items, the paired differences, plus the native engine's measures of how
/// invasive the method is (KL on neutral text) and what it costs (generation speed).
extension EvalCommand {
    /// A short neutral paragraph: the "how invasive" KL is measured on text with no question in it.
    static let neutralText = "The river runs through the middle of the town, past the old mill and the market square. In spring the water rises with the melting snow, and in late summer it is shallow enough to cross on foot. Most of the houses along its banks were built of local stone."

    func compareIntervention(_ specText: String, dataset: TruthfulQADataset, items: [TruthfulQAItem]) async throws {
        guard preset != PromptFormat.chatTemplateName else {
            throw ValidationError("--intervention with --preset chat-template is not supported; use a text preset")
        }
        let start = Date()
        let spec = try InterventionSpec(parsing: specText)
        let folds = try MethodRegistry.folds(of: spec, dataChecksum: dataset.checksum)
        let path = try await model.resolvedPath()
        let held = folds.map { $0.reduce(into: Set<Int>()) { $0.formUnion($1.heldOut) } }
        if let held, case let missing = items.count(where: { !held.contains($0.index) }), missing > 0 {
            printError("\(missing) of \(items.count) items are not in the fit's folds (fitted with --limit?); they are left out of both sides")
        }
        let threads = engine.threads, activations = backend.activations
        let groups: [ComparisonGroup] = (folds ?? [.init(spec: spec, heldOut: Set(items.map(\.index)))]).enumerated().map { i, fold in
            ComparisonGroup(label: folds == nil ? spec.name : "\(spec.name) fold \(i)", items: fold.heldOut) {
                let native = try NativeModel.load(path: path, threads: threads, intervention: fold.spec)
                await native.setGenerationActivations(activations)
                return native
            }
        }

        printError("loading \(path)")
        let base = try NativeModel.load(path: path, threads: engine.threads)
        await base.setGenerationActivations(backend.activations)
        var settings = baseSettings(dataset: dataset, format: preset, loaded: ["backend": "native"])
        settings.removeValue(forKey: "skipped_invalid")
        let textPreset = PromptPreset(rawValue: preset)!
        let runStore = try ResultStore(path: store)
        let evaluator = evaluator(store: runStore)
        let data = dataset.identity

        // How invasive and how costly the method is, measured on the first group's intervention.
        func invasiveness() throws -> (Double, ComparisonReport.Overhead) {
            let first = try MethodRegistry.make(folds?.first?.spec ?? spec, for: base.model)
            let kl = try Invasiveness.klDivergence(base: base.model, intervened: first, text: Self.neutralText, threads: threads)
            let o = try Invasiveness.throughput(model: base.model, intervention: first,
                                                prompt: textPreset.context(question: "What happens if you eat watermelon seeds?"),
                                                tokens: 32, threads: threads)
            return (kl, .init(baseTokensPerSecond: o.baseTokensPerSecond, intervenedTokensPerSecond: o.intervenedTokensPerSecond))
        }

        switch task {
        case .truthfulqaMC:
            var comparison = FoldedComparison(task: TruthfulQAMultipleChoiceTask(format: PromptFormat(preset: textPreset), scoring: scoring),
                                              evaluator: evaluator, data: data, settings: settings)
            comparison.finishRuns = true
            let outcome = try await comparison.run(items: items, baseline: base, groups: groups)
            let (kl, overhead) = try invasiveness()
            try emit(ComparisonReport(outcome: outcome, task: task.rawValue, intervention: specText, heldOut: folds != nil,
                                      klNeutralText: kl, overhead: overhead, seconds: Date().timeIntervalSince(start)), outcome: outcome)
        case .gen:
            settings.merge(backend.activationSettings) { a, _ in a }
            var genTask = try TruthfulQAGenerationTask(preset: textPreset, generation: generationSettings)
            let loadedJudge = judge.isSet ? try await judge.load(threads: engine.threads, references: dataset.items.map(JudgeReference.init)) : nil
            do {
                var comparison = FoldedComparison(task: genTask, evaluator: evaluator, data: data, settings: settings)
                if let loadedJudge {
                    genTask.judgeID = loadedJudge.judge.fingerprint.id
                    comparison = FoldedComparison(task: genTask, evaluator: evaluator, data: data, settings: settings)
                    let pass = JudgingPass(judge: loadedJudge.judge, store: runStore, progress: evaluator.progress)
                    comparison.after = { results, key, label in
                        try await pass.judge(results, answersRun: key, data: data, label: "judging \(label)")
                    }
                }
                comparison.finishRuns = true
                let outcome = try await comparison.run(items: items, baseline: base, groups: groups)
                let (kl, overhead) = try invasiveness()
                try emit(ComparisonReport(outcome: outcome, task: task.rawValue, intervention: specText, heldOut: folds != nil,
                                          klNeutralText: kl, overhead: overhead, seconds: Date().timeIntervalSince(start)), outcome: outcome)
            } catch {
                await loadedJudge?.close()
                throw error
            }
            await loadedJudge?.close()
        case .mc:
            throw ValidationError("--intervention on --task mc: run the intervened model alone (comparisons are wired for the TruthfulQA tasks)")
        }
    }

    func emit<T: EvaluationTask>(_ report: ComparisonReport, outcome: FoldedComparison<T>.Outcome) throws {
        if let out {
            let pairs = zip(outcome.baseline.results, outcome.intervened.results).map { ComparedItem(baseline: $0, intervened: $1) }
            try OutputJSON.write(results: pairs, summary: report, summaryName: "comparison.json", to: out)
        }
        if json { try printJSON(report) } else { print(report.table()) }
    }
}
