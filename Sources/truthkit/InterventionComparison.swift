import ArgumentParser
import Foundation
import TKBackends
import TKBenchmarks
import TKConsole
import TKEngine
import TKEvalCore
import TKInterventions
import TKJudges
import TKMetrics
import TKStore

/// `eval --intervention …`: the baseline and the intervened model on the same held-out items, side
/// by side, with the paired difference and its bootstrap interval, the KL divergence to the
/// baseline on neutral text, and the generation overhead — for multiple choice (MC1/MC2/MC3) and
/// for generation (judge rates when `--judge` is given, BLEU/ROUGE accuracies).
///
/// Fitted interventions (ITI, steering) are scored fold by fold: fold f's fit only on the
/// questions it held out, so no reported number comes from a question the fit saw. The baseline is
/// scored on exactly the same questions. Each half is its own stored run, so both resume.
struct InterventionComparison: Encodable {
    struct Side: Encodable {
        var fingerprint: String
        var run_ids: [Int64]
        var metrics: [String: MetricEstimate]
    }

    var task: String
    /// The metrics compared, in report order.
    var compared: [String]
    var intervention: String
    var held_out: Bool
    var folds: Int
    var items: Int
    var baseline: Side
    var intervened: Side
    var difference: [String: PairedDifference]
    var kl_neutral_text: Double
    var overhead: Invasiveness.Overhead
    var seconds: Double

    /// A short neutral paragraph: the "how invasive" KL is measured on text with no question in it.
    static let neutralText = "The river runs through the middle of the town, past the old mill and the market square. In spring the water rises with the melting snow, and in late summer it is shallow enough to cross on foot. Most of the houses along its banks were built of local stone."

    static let multipleChoiceMetrics = [MetricName.mc1, MetricName.mc2, MetricName.mc3]

    func table() -> String {
        var t = TextTable(columns: [.init("metric"), .init("baseline", alignment: .right), .init("intervened", alignment: .right),
                                    .init("difference [95% CI]", alignment: .right)])
        for m in compared {
            guard let b = baseline.metrics[m], let i = intervened.metrics[m], let d = difference[m] else { continue }
            t.addRow([EvalReport.label(m), String(format: "%.1f%%", b.mean * 100), String(format: "%.1f%%", i.mean * 100),
                      String(format: "%+.1f [%+.1f, %+.1f]", d.meanDifference * 100, d.lower * 100, d.upper * 100)
                        + (d.count < items ? " (\(d.count) items)" : "")])
        }
        return t.render() + "\n" + """
        \(intervention) on \(items) \(held_out ? "held-out " : "")items\(held_out ? " (\(folds) folds, each scored by the fit that never saw it)" : "")
        KL(intervened ‖ baseline) on neutral text: \(String(format: "%.4f", kl_neutral_text)) nats/token
        generation: \(String(format: "%.1f", overhead.baseTokensPerSecond)) → \(String(format: "%.1f", overhead.intervenedTokensPerSecond)) tokens/s (\(String(format: "%.2f", overhead.slowdown))× slower); \(String(format: "%.0f", seconds)) s in all
        """
    }
}

extension EvalCommand {
    /// The folds of a fitted intervention (ITI, steering): spec per fold and the questions it holds out.
    func interventionGroups(_ spec: InterventionSpec, dataset: TruthfulQADataset, items: [TruthfulQAItem]) throws -> [(spec: InterventionSpec, items: [TruthfulQAItem])] {
        let split: QuestionFolds
        switch spec.name {
        case "iti":
            let fit = try ITIFit.load(path: try spec.requiredString("file"))
            try fit.checkData(checksum: dataset.checksum)
            split = fit.split
        case "steer":
            let fit = try SteeringFit.load(path: try spec.requiredString("file"))
            try fit.checkData(checksum: dataset.checksum)
            split = fit.split
        default:
            return [(spec, items)]
        }
        if spec.parameters["fold"] != nil {
            throw ValidationError("--intervention \(spec.name): leave out fold=; eval scores every fold on the questions it held out")
        }
        var groups: [(spec: InterventionSpec, items: [TruthfulQAItem])] = []
        for fold in 0..<split.count {
            let held = Set(split.heldOut(fold: fold))
            var s = spec
            s.parameters["fold"] = String(fold)
            groups.append((s, items.filter { held.contains($0.index) }))
        }
        let covered = groups.reduce(0) { $0 + $1.items.count }
        if covered < items.count {
            printError("\(items.count - covered) of \(items.count) items are not in the fit's folds (fitted with --limit?); they are left out of both sides")
        }
        return groups
    }

    /// One task's part in a comparison: how a model scores a group of items (stored, resumable),
    /// how results are summarised, and each result's per-item values for the paired difference.
    struct ComparedTask<R: Codable & Sendable> {
        var metrics: [String]
        var run: (_ model: NativeModel, _ items: [TruthfulQAItem], _ label: String) async throws -> (results: [R], runID: Int64)
        var summarize: ([R]) throws -> MetricsSummary
        var index: (R) -> Int
        var values: (R) -> [String: Double]
    }

    /// Multiple choice under `format`: MC1/MC2/MC3 per item.
    func multipleChoiceComparison(dataset: TruthfulQADataset, format: PromptFormat, settings: [String: String]) -> ComparedTask<MultipleChoiceItemResult> {
        ComparedTask(
            metrics: InterventionComparison.multipleChoiceMetrics,
            run: { native, runItems, label in
                let evaluator = MultipleChoiceEvaluator(model: native, format: format, scoring: scoring)
                let evaluation = StoredEvaluation<MultipleChoiceItemResult>(
                    task: task.rawValue, taskVersion: "1", model: native.identity, dataset: dataset, items: runItems,
                    settings: settings, storePath: store, progressLabel: label)
                let (outcome, runStore) = try await evaluation.run(
                    evaluate: { completed, onItem in try await evaluator.evaluate(runItems, completed: completed, onItem: onItem) },
                    index: \.index)
                try await outcome.finishIfComplete(in: runStore) { try MultipleChoiceEvaluator.summarize($0).metrics.mapValues(\.mean) }
                return (outcome.results, outcome.runID)
            },
            summarize: { try MultipleChoiceEvaluator.summarize($0) },
            index: \.index,
            values: { $0.metrics })
    }

    /// Generation under `preset`: stored answers, BLEU/ROUGE per item, and — with `--judge` — the
    /// judge's verdicts (judged per answers run, so either side resumes on its own).
    func generationComparison(dataset: TruthfulQADataset, preset: PromptPreset, settings: [String: String],
                              judge loaded: JudgeOptions.Loaded?) -> ComparedTask<GenerationItemResult> {
        let judgeID = loaded?.judge.fingerprint.id
        var metrics = Self.generationHeadline
        if judgeID == nil {
            metrics.removeAll { [GenerationMetricName.truthfulInformative, GenerationMetricName.truthful, GenerationMetricName.informative].contains($0) }
        }
        return ComparedTask(
            metrics: metrics,
            run: { native, runItems, label in
                let (outcome, runStore, runSettings, digest) = try await generateAnswers(
                    model: native, preset: preset, dataset: dataset, items: runItems, settings: settings, label: label)
                var results = outcome.results
                if let loaded {
                    results = try await judgeAnswers(results, answersDigest: digest, judge: loaded, dataset: dataset, items: runItems,
                                                     label: "judging \(label)")
                }
                try await outcome.finishIfComplete(in: runStore) { _ in
                    ["max_tokens": Double(runSettings["max_tokens"].flatMap(Int.init) ?? 0)]
                }
                return (results, outcome.runID)
            },
            summarize: { try MetricsSummary(items: Self.generationItemScores($0, judgeID: judgeID)) },
            index: \.index,
            values: { Self.generationItemScores([$0], judgeID: judgeID)[0].values })
    }

    func compareIntervention<R: Codable & Sendable>(_ specText: String, dataset: TruthfulQADataset, items: [TruthfulQAItem],
                                                    comparing compared: ComparedTask<R>, prompt: String) async throws {
        let spec = try InterventionSpec(parsing: specText)
        let start = Date()
        let groups = try interventionGroups(spec, dataset: dataset, items: items)
        let path = try await model.resolvedPath()
        let heldOutItems = groups.flatMap(\.items).sorted { $0.index < $1.index }
        guard !heldOutItems.isEmpty else { throw ValidationError("no items to compare: the fit's held-out questions and the data's items do not overlap") }

        printError("loading \(path)")
        let base = try NativeModel.load(path: path, threads: engine.threads)
        await base.setGenerationActivations(backend.activations)
        let (baseResults, baseRun) = try await compared.run(base, heldOutItems, "baseline")
        var intervened: [R] = []
        var runIDs: [Int64] = []
        var fingerprint = ""
        var firstIntervention: (any Intervention)?
        for (i, group) in groups.enumerated() where !group.items.isEmpty {
            let native = try NativeModel.load(path: path, threads: engine.threads) { try InterventionLoader.make(group.spec, for: $0) }
            await native.setGenerationActivations(backend.activations)
            if firstIntervention == nil { firstIntervention = native.intervention }
            fingerprint = native.identity.fingerprint
            let (r, id) = try await compared.run(native, group.items, groups.count > 1 ? "\(spec.name) fold \(i)" : spec.name)
            intervened += r
            runIDs.append(id)
        }
        intervened.sort { compared.index($0) < compared.index($1) }

        // Pair by item; a metric an item lacks on either side (an unparsed verdict) leaves that item
        // out of that metric's difference only.
        let bootstrap = Bootstrap()
        let baseValues = Dictionary(baseResults.map { (compared.index($0), compared.values($0)) }) { a, _ in a }
        let intervenedValues = Dictionary(intervened.map { (compared.index($0), compared.values($0)) }) { a, _ in a }
        var difference: [String: PairedDifference] = [:]
        for m in compared.metrics {
            var a: [Int: Double] = [:], b: [Int: Double] = [:]
            for (i, v) in intervenedValues {
                guard let x = v[m], let y = baseValues[i]?[m], x.isFinite, y.isFinite else { continue }
                a[i] = x
                b[i] = y
            }
            if !a.isEmpty { difference[m] = try bootstrap.pairedDifference(a, b) }
        }
        guard let firstIntervention else { throw ValidationError("no fold holds any of the items") }
        let kl = try Invasiveness.klDivergence(base: base.model, intervened: firstIntervention, text: InterventionComparison.neutralText,
                                               threads: engine.threads)
        let overhead = try Invasiveness.throughput(model: base.model, intervention: firstIntervention, prompt: prompt,
                                                   tokens: 32, threads: engine.threads)
        let report = InterventionComparison(
            task: task.rawValue, compared: compared.metrics, intervention: specText, held_out: groups.count > 1, folds: groups.count,
            items: heldOutItems.count,
            baseline: .init(fingerprint: base.identity.fingerprint, run_ids: [baseRun], metrics: try compared.summarize(baseResults).metrics),
            intervened: .init(fingerprint: fingerprint, run_ids: runIDs, metrics: try compared.summarize(intervened).metrics),
            difference: difference, kl_neutral_text: kl, overhead: overhead, seconds: Date().timeIntervalSince(start))
        if let out {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            let dir = URL(fileURLWithPath: out)
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            var lines = Data()
            for (b, i) in zip(baseResults, intervened) {
                lines.append(try encoder.encode(ComparedItem(baseline: b, intervened: i)))
                lines.append(0x0A)
            }
            try lines.write(to: dir.appendingPathComponent("items.jsonl"), options: .atomic)
            encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
            try encoder.encode(report).write(to: dir.appendingPathComponent("comparison.json"), options: .atomic)
        }
        if json { try printJSON(report) } else { print(report.table()) }
    }
}

/// One line of a comparison's `items.jsonl`: the same item on both sides.
struct ComparedItem<R: Encodable>: Encodable {
    var baseline: R
    var intervened: R
}
