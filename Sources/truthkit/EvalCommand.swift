import ArgumentParser
import Foundation
import TKBackends
import TKBenchmarks
import TKConsole
import TKEvalCore
import TKMetrics
import TKStore

/// `truthkit eval`: TruthfulQA multiple choice (MC1/MC2/MC3) with the native engine, stored item
/// by item so an interrupted run resumes where it stopped.
struct EvalCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Evaluate a model on TruthfulQA multiple choice (MC1, MC2, MC3), resumably.")

    @OptionGroup var model: ModelOption
    @OptionGroup var engine: EngineOptions

    @Option(help: "Task to run. Supported: truthfulqa-mc.")
    var task: String = "truthfulqa-mc"

    @Option(help: "Prompt preset: \(PromptPreset.allCases.map(\.rawValue).joined(separator: ", ")).")
    var preset: String = "qa"

    @Option(help: "A data file (multiple-choice JSONL or an official TruthfulQA CSV) instead of the installed default.")
    var data: String?

    @Option(help: "Language of the installed data (en, es, ca, eu, gl).")
    var lang: String = "en"

    @Option(help: "Evaluate only the first N items in file order.")
    var limit: Int?

    @Option(help: "Write per-item results (choices, scores, verdicts) as JSONL and the summary JSON into this folder.")
    var out: String?

    @Option(help: "Run store (SQLite). Default: $TRUTHKIT_HOME/runs.sqlite.")
    var store: String?

    @Flag(help: "Print the exact prompt of item 1 (with its first choice) and exit.")
    var showPrompt = false

    @Flag(help: "Print the results as JSON on stdout.")
    var json = false

    func validate() throws {
        guard task == "truthfulqa-mc" else {
            throw ValidationError("Unknown task '\(task)'. Supported: truthfulqa-mc")
        }
        guard PromptPreset(rawValue: preset) != nil else {
            throw ValidationError("Unknown preset '\(preset)'. Supported: \(PromptPreset.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1") }
    }

    func loadDataset() throws -> TruthfulQADataset {
        if let data {
            return data.lowercased().hasSuffix(".csv")
                ? try TruthfulQADataset.loadCSV(path: data)
                : try TruthfulQADataset.loadMultipleChoiceJSONL(path: data)
        }
        return try TruthfulQADataset.load(language: lang)
    }

    func run() async throws {
        let presetValue = PromptPreset(rawValue: preset)!
        let dataset = try loadDataset()
        let items = Array(dataset.items.prefix(limit ?? dataset.items.count))
        guard !items.isEmpty else { throw ValidationError("the data file has no items") }

        if showPrompt {
            let item = items[0]
            print(presetValue.context(question: item.question) + presetValue.continuation(choice: item.mc1.choices[0]))
            return
        }

        let path = try await model.resolvedPath()
        printError("loading \(path)")
        let native = try NativeModel.load(path: path, threads: engine.threads)
        let evaluator = MultipleChoiceEvaluator(model: native, preset: presetValue)

        let settings = ["preset": presetValue.rawValue, "scoring": "sum-logprob", "language": dataset.language]
        let runStore = try ResultStore(path: store)
        let key = RunKey(modelName: native.identity.name, modelFingerprint: native.identity.fingerprint,
                         task: task, taskVersion: "1", dataChecksum: dataset.checksum, settings: settings)
        let stored = try await runStore.openRun(key, itemCount: dataset.items.count)
        let decoder = JSONDecoder(), encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var completed: [Int: MultipleChoiceItemResult] = [:]
        for (index, payload) in try await runStore.completedItems(run: stored.id) {
            completed[index] = try decoder.decode(MultipleChoiceItemResult.self, from: payload)
        }
        let resumed = items.filter { completed[$0.index] != nil }.count
        if resumed > 0 { printError("resuming run \(stored.id): \(resumed) of \(items.count) items already stored") }

        let bar = ProgressBar(label: "truthfulqa-mc", total: Int64(items.count), completed: Int64(resumed),
                              unit: .items(named: "item"))
        let start = Date()
        let results = try await evaluator.evaluate(items, completed: completed) { result in
            _ = try await runStore.record(run: stored.id, item: result.index, payload: try encoder.encode(result))
            bar.advance()
        }
        bar.finish()
        let seconds = Date().timeIntervalSince(start)
        let summary = try MultipleChoiceEvaluator.summarize(results)
        let computed = await native.computedTokens, scratch = await native.fromScratchTokens
        let report = EvalReport(
            task: task, model: native.identity,
            settings: settings.merging(["limit": String(items.count), "data": dataset.fileURL.path]) { a, _ in a },
            summary: summary, run_id: stored.id,
            tokens: .init(computed: computed, from_scratch: scratch, seconds: seconds, items_scored: items.count - resumed))
        if items.count == dataset.items.count || resumed + (items.count - resumed) == stored.itemCount {
            _ = try await runStore.finish(run: stored.id, summary: try encoder.encode(report))
        }
        if let out { try report.write(results: results, to: out, encoder: encoder) }
        if json {
            try printJSON(report)
        } else {
            print(report.table())
        }
    }
}
