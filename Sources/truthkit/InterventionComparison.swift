import ArgumentParser
import Foundation
import TKBackends
import TKBenchmarks
import TKConsole
import TKEngine
import TKEvalCore
import TKInterventions
import TKMetrics

/// `eval --intervention …` on multiple choice: the baseline and the intervened model on the same
/// held-out items, side by side, with the paired difference and its bootstrap interval, the KL
/// divergence to the baseline on neutral text, and the generation overhead.
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

    static let metrics = [MetricName.mc1, MetricName.mc2, MetricName.mc3]

    func table() -> String {
        var t = TextTable(columns: [.init("metric"), .init("baseline", alignment: .right), .init("intervened", alignment: .right),
                                    .init("difference [95% CI]", alignment: .right)])
        for m in Self.metrics {
            guard let b = baseline.metrics[m], let i = intervened.metrics[m], let d = difference[m] else { continue }
            t.addRow([EvalReport.label(m), String(format: "%.1f%%", b.mean * 100), String(format: "%.1f%%", i.mean * 100),
                      String(format: "%+.1f [%+.1f, %+.1f]", d.meanDifference * 100, d.lower * 100, d.upper * 100)])
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

    func compareIntervention(_ specText: String, dataset: TruthfulQADataset, items: [TruthfulQAItem], format: PromptFormat,
                             settings: [String: String]) async throws {
        let spec = try InterventionSpec(parsing: specText)
        let start = Date()
        let groups = try interventionGroups(spec, dataset: dataset, items: items)
        let path = try await model.resolvedPath()
        let heldOutItems = groups.flatMap(\.items).sorted { $0.index < $1.index }
        guard !heldOutItems.isEmpty else { throw ValidationError("no items to compare: the fit's held-out questions and the data's items do not overlap") }

        func run(_ native: NativeModel, _ runItems: [TruthfulQAItem], label: String) async throws -> (results: [MultipleChoiceItemResult], runID: Int64) {
            let evaluator = MultipleChoiceEvaluator(model: native, format: format, scoring: scoring)
            let evaluation = StoredEvaluation<MultipleChoiceItemResult>(
                task: task.rawValue, taskVersion: "1", model: native.identity, dataset: dataset, items: runItems,
                settings: settings, storePath: store, progressLabel: label)
            let (outcome, runStore) = try await evaluation.run(
                evaluate: { completed, onItem in try await evaluator.evaluate(runItems, completed: completed, onItem: onItem) },
                index: \.index)
            if outcome.complete {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys]
                let summary = try MultipleChoiceEvaluator.summarize(outcome.results)
                _ = try await runStore.finish(run: outcome.runID, summary: try encoder.encode(summary.metrics.mapValues(\.mean)))
            }
            return (outcome.results, outcome.runID)
        }

        printError("loading \(path)")
        let base = try NativeModel.load(path: path, threads: engine.threads)
        let (baseResults, baseRun) = try await run(base, heldOutItems, label: "baseline")
        var intervened: [MultipleChoiceItemResult] = []
        var runIDs: [Int64] = []
        var fingerprint = ""
        var firstIntervention: (any Intervention)?
        for (i, group) in groups.enumerated() where !group.items.isEmpty {
            let native = try NativeModel.load(path: path, threads: engine.threads) { try InterventionLoader.make(group.spec, for: $0) }
            if firstIntervention == nil { firstIntervention = native.intervention }
            fingerprint = native.identity.fingerprint
            let (r, id) = try await run(native, group.items, label: groups.count > 1 ? "\(spec.name) fold \(i)" : spec.name)
            intervened += r
            runIDs.append(id)
        }
        intervened.sort { $0.index < $1.index }

        let bootstrap = Bootstrap()
        var difference: [String: PairedDifference] = [:]
        for m in InterventionComparison.metrics {
            difference[m] = try bootstrap.pairedDifference(intervened.map { $0.metrics[m] ?? .nan }, baseResults.map { $0.metrics[m] ?? .nan })
        }
        guard let firstIntervention else { throw ValidationError("no fold holds any of the items") }
        let kl = try Invasiveness.klDivergence(base: base.model, intervened: firstIntervention, text: InterventionComparison.neutralText,
                                               threads: engine.threads)
        let overhead = try Invasiveness.throughput(model: base.model, intervention: firstIntervention,
                                                   prompt: PromptPreset.qa.context(question: "What happens if you eat watermelon seeds?"),
                                                   tokens: 32, threads: engine.threads)
        let report = InterventionComparison(
            task: task.rawValue, intervention: specText, held_out: groups.count > 1, folds: groups.count, items: heldOutItems.count,
            baseline: .init(fingerprint: base.identity.fingerprint, run_ids: [baseRun], metrics: try MultipleChoiceEvaluator.summarize(baseResults).metrics),
            intervened: .init(fingerprint: fingerprint, run_ids: runIDs, metrics: try MultipleChoiceEvaluator.summarize(intervened).metrics),
            difference: difference, kl_neutral_text: kl, overhead: overhead, seconds: Date().timeIntervalSince(start))
        if let out {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            let dir = URL(fileURLWithPath: out)
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            var lines = Data()
            for (b, i) in zip(baseResults, intervened) {
                lines.append(try encoder.encode(["baseline": b, "intervened": i]))
                lines.append(0x0A)
            }
            try lines.write(to: dir.appendingPathComponent("items.jsonl"), options: .atomic)
            encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
            try encoder.encode(report).write(to: dir.appendingPathComponent("comparison.json"), options: .atomic)
        }
        if json { try printJSON(report) } else { print(report.table()) }
    }
}
