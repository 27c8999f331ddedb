import ArgumentParser
import Foundation
import TKAudit
import TKBackends
import TKBenchmarks
import TKConsole
import TKEngine
import TKEvalCore
import TKEvaluation
import TKInterventions
import TKMetrics

/// `truthkit audit holdout --holdout FILE`: retro-holdout comparison (Haimes et al.).
struct HoldoutCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "holdout",
        abstract: "Compare a model on newly written holdout items with the matching original TruthfulQA items.",
        discussion: """
            --holdout is a CSV in TruthfulQA's format (Type, Category, Question, Best Answer, Correct Answers, \
            Incorrect Answers, optional Source; answers separated by ';'). The original items compared are those \
            of the same Category and Type. Both sets are scored by MC (stored runs); reported: the gap \
            original − holdout on MC1/MC2 with a bootstrap interval, the difficulty comparison (quartiles, \
            Kolmogorov–Smirnov permutation test), and with the native backend the indistinguishability checks \
            on the model's own embeddings of the questions (residual stream after --layer at the last token): \
            a permutation test on the distance between mean embeddings and a cross-validated logistic-regression \
            two-sample test with a permutation p-value.
            """)

    @OptionGroup var model: ModelOption
    @OptionGroup var engine: EngineOptions
    @OptionGroup var backend: BackendOptions
    @OptionGroup var options: AuditDataOptions

    @Option(help: "The holdout set: a CSV in TruthfulQA's format.")
    var holdout: String

    @Option(help: "Permutations of the difficulty and embedding tests.")
    var permutations: Int = 1_000

    @Option(name: .customLong("classifier-permutations"), help: "Permutations of the classifier test (each refits every fold).")
    var classifierPermutations: Int = 100

    @Option(help: "Cross-validation folds of the classifier test.")
    var folds: Int = 5

    @Option(help: "Block whose residual stream embeds a question (default: the last).")
    var layer: Int?

    @Option(help: "Seed of the bootstrap, permutations and folds.")
    var seed: UInt64 = 0

    @Flag(name: .customLong("no-embeddings"), help: "Skip the embedding and classifier tests.")
    var noEmbeddings = false

    func validate() throws {
        guard permutations >= 1, classifierPermutations >= 1 else { throw ValidationError("--permutations and --classifier-permutations must be at least 1") }
        guard (2...20).contains(folds) else { throw ValidationError("--folds must be between 2 and 20") }
        if !noEmbeddings && backend.backend != .native {
            throw ValidationError("the embedding tests read the model's hidden states, which only the native backend exposes; add --no-embeddings")
        }
    }

    func run() async throws {
        let original = try options.loadDataset()
        let held = try TruthfulQADataset.loadCSV(path: holdout)
        let groups = Set(held.items.map { GroupKey(category: $0.category, type: $0.type) })
        let matching = original.items.filter { groups.contains(GroupKey(category: $0.category, type: $0.type)) }
        guard !matching.isEmpty else {
            throw ValidationError("no original item shares a Category and Type with the holdout (\(groups.map(\.description).sorted().joined(separator: "; "))); check the holdout's Category and Type columns")
        }
        printError("holdout \(held.items.count) items; original subset \(matching.count) items (\(groups.map(\.description).sorted().joined(separator: "; ")))")
        let report = try await AuditCommand.withModel(model, engine, backend) { loaded -> HoldoutReport in
            let format = PromptFormat(preset: .qa)
            let task = TruthfulQAMultipleChoiceTask(format: format)
            var all = options
            all.limit = nil
            let originalRun = try await AuditCommand.evaluate(task, items: matching, source: original, loaded: loaded, options: all, label: "original subset")
            let holdoutRun = try await AuditCommand.evaluate(task, items: held.items, source: held, loaded: loaded, options: all, label: "holdout")
            let bootstrap = Bootstrap(seed: seed)
            var comparison = HoldoutComparison(nOriginal: matching.count, nHoldout: held.items.count, gaps: [], difficulty: [])
            for metric in [MetricName.mc1, MetricName.mc2] {
                let a = originalRun.results.compactMap { $0.metrics[metric] }, b = holdoutRun.results.compactMap { $0.metrics[metric] }
                comparison.gaps.append(try HoldoutComparison.gap(metric: metric, original: a, holdout: b, bootstrap: bootstrap))
                comparison.difficulty.append(try HoldoutComparison.difficulty(metric: metric, original: a, holdout: b, permutations: permutations, seed: seed))
            }
            if !noEmbeddings {
                let (a, b) = try await embeddings(original: matching.map(\.question), holdout: held.items.map(\.question))
                comparison.embedding = try HoldoutComparison.embeddingTest(original: a, holdout: b, permutations: permutations, seed: seed)
                let bar = ProgressBar(label: "classifier test", total: Int64(classifierPermutations + 1), unit: .items(named: "split"))
                var done = 0
                comparison.classifier = try HoldoutComparison.classifierTest(
                    original: a, holdout: b, folds: folds, permutations: classifierPermutations, seed: seed,
                    fit: { rows, labels in
                        let fitted = try LogisticRegression.fit(features: rows, labels: labels)
                        return { fitted.predict($0) }
                    }, onSplit: {
                        done += 1
                        bar.update(completed: Int64(done))
                    })
                bar.finish()
            }
            return HoldoutReport(model: loaded.model.identity, holdout: held.fileURL.path, originalRunId: originalRun.runID,
                                 holdoutRunId: holdoutRun.runID, comparison: comparison)
        }
        if options.json { try printJSON(report) } else { print(report.table()) }
    }

    /// Each question's residual stream after `--layer` at its last token, for both sets.
    func embeddings(original: [String], holdout: [String]) async throws -> ([[Float]], [[Float]]) {
        let path = try await model.resolvedPath()
        let transformer = try TransformerModel(path: path)
        let layer = self.layer ?? transformer.config.layers - 1
        guard (0..<transformer.config.layers).contains(layer) else {
            throw ValidationError("--layer \(layer) does not exist; the model has blocks 0…\(transformer.config.layers - 1)")
        }
        let questions = original + holdout
        let examples = questions.enumerated().map { ProbeExample(questionIndex: $0.offset, prompt: $0.element, isTrue: $0.offset < original.count) }
        let bar = ProgressBar(label: "question embeddings", total: Int64(examples.count), unit: .items(named: "question"))
        let collected = try ActivationCollector(model: transformer, threads: engine.threads)
            .collect(examples, heads: false, residualLayers: [layer], progress: { bar.update(completed: Int64($0)) })
        bar.finish()
        let rows = collected.residuals[layer] ?? []
        return (Array(rows[..<original.count]), Array(rows[original.count...]))
    }
}

/// The pair a holdout item is matched on.
private struct GroupKey: Hashable, CustomStringConvertible {
    var category: String?
    var type: QuestionType?
    var description: String { "\(category ?? "no category")/\(type?.rawValue ?? "no type")" }
}

/// `audit holdout --json`: the comparison with the model and the two stored runs.
struct HoldoutReport: Encodable {
    var model: ModelIdentity
    var holdout: String
    var originalRunId: Int64
    var holdoutRunId: Int64
    var comparison: HoldoutComparison

    func table() -> String {
        let c = comparison
        var lines = ["retro-holdout: \(c.nOriginal) original vs \(c.nHoldout) holdout items (model \(model.name))"]
        var t = TextTable(columns: [.init("metric"), .init("original"), .init("holdout"), .init("gap (orig − holdout)"),
                                    .init("KS"), .init("KS p")])
        for (gap, difficulty) in zip(c.gaps, c.difficulty) {
            t.addRow([gap.metric, String(format: "%.1f%%", gap.original.mean * 100), String(format: "%.1f%%", gap.holdout.mean * 100),
                      String(format: "%+.1f [%+.1f, %+.1f] pp", gap.difference * 100, gap.lower * 100, gap.upper * 100),
                      String(format: "%.3f", difficulty.ks.statistic), String(format: "%.3f", difficulty.ks.pValue)])
        }
        lines.append(t.render())
        if let e = c.embedding {
            lines.append(String(format: "embedding permutation test: distance %.4g, p = %.3f (%d %@)", e.statistic, e.pValue, e.permutations, e.exact ? "splits, exact" : "permutations"))
        }
        if let k = c.classifier {
            lines.append(String(format: "classifier two-sample test: %d-fold accuracy %.1f%% (chance %.1f%%), p = %.3f (%d permutations)",
                                k.folds, k.accuracy * 100, k.chance * 100, k.test.pValue, k.test.permutations))
        }
        lines.append("low p-values mean the sets are distinguishable: the gap then may reflect the new items, not contamination")
        return lines.joined(separator: "\n")
    }
}
