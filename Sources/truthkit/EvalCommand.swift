import ArgumentParser
import Foundation
import TKBackends
import TKBenchmarks
import TKConsole
import TKEngine
import TKEvalCore
import TKEvaluation
import TKJudges
import TKMetrics
import TKStore

/// `truthkit eval`: TruthfulQA multiple choice (MC1/MC2/MC3, binary) and generation, stored item by
/// item so an interrupted run resumes where it stopped.
struct EvalCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Evaluate a model on TruthfulQA (multiple choice or generation), resumably.",
        discussion: """
            Multiple choice (default): each choice is scored by the log-likelihood of its tokens after \
            the prompt; MC1, MC2 (headline), MC3 and, on 2025 data, the binary format. Without \
            log-probabilities use --mode lettered (a different metric: the answer letter is parsed from \
            generated text). Every item is stored as it completes; re-running resumes.
            """)

    enum TaskName: String, ExpressibleByArgument, CaseIterable {
        case truthfulqaMC = "truthfulqa-mc"
        case gen = "truthfulqa-gen"
        /// A generic multiple-choice file (`--data`): GPQA, MMLU, ARC or your own.
        case mc
    }

    enum Mode: String, ExpressibleByArgument, CaseIterable {
        case scored, lettered
    }

    @OptionGroup var model: ModelOption
    @OptionGroup var engine: EngineOptions
    @OptionGroup var backend: BackendOptions
    @OptionGroup var judge: JudgeOptions
    @OptionGroup var efficiency: EfficiencyOptions

    @Option(help: "Task: truthfulqa-mc (default), truthfulqa-gen, or mc (a generic multiple-choice --data file: JSONL with question/choices/answer, or GPQA's CSV).")
    var task: TaskName = .truthfulqaMC

    @Option(help: "Prompt preset: \(PromptFormat.names.joined(separator: ", ")).")
    var preset: String = "qa"

    @Option(help: "MC choice score: logprob (sum of token log-probabilities) or pmi (log p(answer|question) − log p(answer|prompt without question)).")
    var scoring: ChoiceScoring = .logprob

    @Option(help: "MC mode: scored (log-likelihoods) or lettered (options as A/B/C…, shuffled with --seed, letter parsed from generated text; reported as lettered_mc1).")
    var mode: Mode = .scored

    @Option(help: "Seed for the lettered-mode shuffle and for GPQA's option shuffle (--task mc).")
    var seed: UInt64 = 0

    @Option(name: .customLong("max-tokens"), help: "Generation: most tokens per answer (answers that hit it are flagged).")
    var maxTokens: Int = 64

    @Option(help: "A data file (multiple-choice JSONL or an official TruthfulQA CSV) instead of the installed default.")
    var data: String?

    @Option(help: "Language of the installed data (en, es, ca, eu, gl), or all: MC in every installed language side by side, with paired differences to English.")
    var lang: String = "en"

    @Option(name: .customLong("data-version"), help: "Release of the installed data: hf (default for en), v0, v1, 2025, multi.")
    var dataVersion: TruthfulQAVersion?

    @Flag(help: "Skip malformed records and items too long for the model's context (each named and counted) instead of stopping at the first.")
    var skipInvalid = false

    @Option(help: "Evaluate only the first N items in file order.")
    var limit: Int?

    @Option(help: "Write per-item results as JSONL (items.jsonl) and the summary (results.json) into this folder.")
    var out: String?

    @Option(help: "Run store (SQLite). Default: $TRUTHKIT_HOME/runs.sqlite.")
    var store: String?

    @Flag(help: "Print the exact prompt of item 1 (with its first choice) and exit.")
    var showPrompt = false

    @Flag(help: "Print the results as JSON on stdout.")
    var json = false

    func validate() throws {
        guard PromptFormat.names.contains(preset) else {
            throw ValidationError("Unknown preset '\(preset)'. Supported: \(PromptFormat.names.joined(separator: ", "))")
        }
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1") }
        if lang == "all" && (task != .truthfulqaMC || mode != .scored || data != nil || dataVersion != nil || backend.intervention != nil || showPrompt || out != nil) {
            throw ValidationError("--lang all runs scored multiple choice (--task truthfulqa-mc, --mode scored) on the installed TruthfulQA-Multi files; drop --data, --data-version, --out, --show-prompt and any intervention, or run one --lang at a time")
        }
        if !(try efficiency.inferenceOptions()).isStandard && (backend.intervention != nil || lang == "all") {
            throw ValidationError("--kv-cache, --exit-layer and layer skipping run alone (not with --intervention or --lang all); compare settings with `truthkit sweep`")
        }
        if task == .mc {
            guard data != nil else { throw ValidationError("--task mc needs --data FILE (JSONL with question, choices, answer; or GPQA's CSV)") }
            if mode == .lettered || scoring != .logprob || preset != "qa" || judge.isSet || dataVersion != nil {
                throw ValidationError("--task mc scores every option by log-likelihood after 'Question: …\\nAnswer:'; --mode, --scoring, --preset, --judge and --data-version apply to the TruthfulQA tasks")
            }
        }
        if task == .gen {
            guard PromptPreset(rawValue: preset) != nil else {
                throw ValidationError("--task truthfulqa-gen takes a text preset (\(PromptPreset.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            if mode == .lettered || scoring != .logprob { throw ValidationError("--mode and --scoring apply to truthfulqa-mc") }
            guard (1...4096).contains(maxTokens) else { throw ValidationError("--max-tokens must be between 1 and 4096") }
        } else if judge.isSet {
            throw ValidationError("--judge applies to --task truthfulqa-gen")
        }
        if mode == .lettered && scoring != .logprob {
            throw ValidationError("--scoring applies to scored mode; lettered mode parses a generated letter")
        }
    }

    func loadDataset() throws -> TruthfulQADataset {
        let dataset: TruthfulQADataset
        if let data {
            dataset = data.lowercased().hasSuffix(".csv")
                ? try TruthfulQADataset.loadCSV(path: data, skipInvalid: skipInvalid)
                : try TruthfulQADataset.loadMultipleChoiceJSONL(path: data, skipInvalid: skipInvalid)
        } else if task == .gen {
            // Generation needs reference answers: the official CSV (v0 by default) or the multilingual files.
            dataset = try TruthfulQADataset.loadForGeneration(language: lang, version: dataVersion)
        } else {
            dataset = try TruthfulQADataset.load(language: lang, version: dataVersion, skipInvalid: skipInvalid)
        }
        reportSkipped(dataset.skippedRecords)
        return dataset
    }

    /// Where runs are stored, and how items are run: `--concurrency` across items for a server,
    /// one at a time for the native engine (its engine thread computes one request at a time).
    func evaluator(store: ResultStore) -> Evaluator {
        // --skip-invalid also skips items too long for the model's context (named, counted).
        Evaluator(store: store, concurrency: backend.backend == .openai ? backend.concurrency : nil,
                  progress: ConsoleProgress().handler, skipItem: skipInvalid ? Self.tooLongForTheContext : nil)
    }

    /// An item whose prompt does not fit the model's context window.
    @Sendable static func tooLongForTheContext(_ error: any Error) -> Bool {
        guard let engine = error as? TKEngine.EngineError else { return false }
        return engine.code == TKEngine.EngineError.Code.contextOverflow
    }

    func run() async throws {
        if task == .mc {
            try await runGenericMultipleChoice()
            return
        }
        if lang == "all" {
            try await runAllLanguages()
            return
        }
        let dataset = try loadDataset()
        let items = Array(dataset.items.prefix(limit ?? dataset.items.count))
        guard !items.isEmpty else { throw ValidationError("the data file has no items") }

        // With an intervention: baseline and intervened side by side on held-out items.
        if let intervention = backend.intervention, mode == .scored, !showPrompt {
            try await compareIntervention(intervention, dataset: dataset, items: items)
            return
        }

        let loaded = try await backend.makeModel(model, engine: engine, inference: try efficiency.inferenceOptions())
        let format = try promptFormat(for: loaded)
        if showPrompt {
            defer { Task { await loaded.shutdown() } }
            let item = items[0]
            if task == .gen {
                print(try GenerationEvaluator(model: loaded.model, preset: PromptPreset(rawValue: preset)!).prompt(for: item))
            } else if mode == .lettered {
                let lettered = LetteredChoiceEvaluator(model: loaded.model, seed: seed)
                print(lettered.prompt(question: item.question, options: lettered.shuffledOptions(item).options))
            } else {
                print(try format.context(question: item.question) + format.continuation(choice: item.mc1.choices[0]))
            }
            return
        }
        do {
            try await evaluate(dataset: dataset, items: items, loaded: loaded, format: format)
        } catch {
            await loaded.shutdown()
            throw error
        }
        await loaded.shutdown()
    }

    /// The run-key settings every TruthfulQA task shares: preset, language, data release, backend.
    func baseSettings(dataset: TruthfulQADataset, format: String, loaded: [String: String]) -> [String: String] {
        var settings = ["preset": format, "language": dataset.language]
        settings.merge(loaded) { a, _ in a }
        if let v = dataset.version { settings["data_version"] = v.rawValue }
        if !dataset.skippedRecords.isEmpty { settings["skipped_invalid"] = String(dataset.skippedRecords.count) }
        return settings
    }

    func evaluate(dataset: TruthfulQADataset, items: [TruthfulQAItem], loaded: LoadedModel, format: PromptFormat) async throws {
        var settings = baseSettings(dataset: dataset, format: format.name, loaded: loaded.settings)
        if format.name == PromptFormat.chatTemplateName, let id = loaded.chatRenderer?.templateID { settings["chat_template"] = id }
        if task == .gen {
            try await evaluateGeneration(dataset: dataset, items: items, loaded: loaded, preset: PromptPreset(rawValue: preset)!, settings: settings)
            return
        }
        switch mode {
        case .scored:
            try await execute(TruthfulQAMultipleChoiceTask(format: format, scoring: scoring), items: items,
                              data: dataset.identity, settings: settings, loaded: loaded)
        case .lettered:
            try await execute(LetteredChoiceTask(seed: seed), items: items, data: dataset.identity, settings: settings, loaded: loaded)
        }
    }

    /// `--task mc --data FILE`: a generic multiple-choice file (JSONL or GPQA's CSV).
    func runGenericMultipleChoice() async throws {
        guard let data else { throw ValidationError("--task mc needs --data FILE (JSONL with question, choices, answer; or GPQA's CSV)") }
        let dataset = try MultipleChoiceDataset.load(path: data, seed: seed, skipInvalid: skipInvalid)
        reportSkipped(dataset.skippedRecords)
        let items = Array(dataset.items.prefix(limit ?? dataset.items.count))
        let task = MultipleChoiceTask(shuffleSeed: dataset.shuffleSeed)
        let loaded = try await backend.makeModel(model, engine: engine, inference: try efficiency.inferenceOptions())
        if showPrompt {
            print(task.context(items[0]) + task.continuation(items[0].choices[0]))
            await loaded.shutdown()
            return
        }
        var settings = loaded.settings
        if !dataset.skippedRecords.isEmpty { settings["skipped_invalid"] = String(dataset.skippedRecords.count) }
        do {
            try await execute(task, items: items, data: DatasetIdentity(checksum: dataset.checksum, itemCount: dataset.items.count, path: dataset.fileURL.path),
                              settings: settings, loaded: loaded)
        } catch {
            await loaded.shutdown()
            throw error
        }
        await loaded.shutdown()
    }

    /// The prompt format for `--preset`; `chat-template` needs the model's template.
    func promptFormat(for loaded: LoadedModel) throws -> PromptFormat {
        if preset == PromptFormat.chatTemplateName {
            guard let renderer = loaded.chatRenderer else {
                throw ValidationError("--preset chat-template needs the model's chat template, which only the native backend reads (from the GGUF); this model has none or the backend cannot provide it")
            }
            return try PromptFormat.chatTemplate(renderer)
        }
        return PromptFormat(preset: PromptPreset(rawValue: preset)!)
    }

    /// Runs one stored evaluation and prints its report.
    func execute<T: EvaluationTask>(_ task: T, items: [T.Item], data: DatasetIdentity, settings: [String: String],
                                    loaded: LoadedModel) async throws {
        let runStore = try ResultStore(path: store)
        let outcome = try await evaluator(store: runStore)
            .run(task, items: items, model: loaded.model, data: data, settings: settings)
        let report = try await self.report(task, outcome: outcome, data: data, loaded: loaded, items: items.count)
        try await outcome.finishIfComplete(summary: report)
        noteIfPartial(outcome, items: items.count, data: data)
        if let out { try report.write(results: outcome.results, to: out) }
        if json { try printJSON(report) } else { print(report.table()) }
    }

    func report<T: EvaluationTask>(_ task: T, outcome: EvaluationOutcome<T.Result>, data: DatasetIdentity, loaded: LoadedModel,
                                   items: Int, extra: [String: Double] = [:], settings more: [String: String] = [:]) async throws -> EvaluationReport {
        let counters = await loaded.tokenCounters()
        var extra = extra
        if !outcome.skipped.isEmpty {
            extra["skipped_items"] = Double(outcome.skipped.count)
            printError("skipped \(outcome.skipped.count) item(s) (--skip-invalid); the run stays open until they can be scored:")
            for item in outcome.skipped.prefix(10) { printError("  item \(item.index): \(item.reason)") }
        }
        return EvaluationReport(
            task: task.name, model: loaded.model.identity,
            settings: outcome.key.settings.merging(["limit": String(items), "data": data.path].merging(more) { a, _ in a }) { a, _ in a },
            summary: try task.summarize(outcome.results), runID: outcome.runID,
            tokens: .init(computed: counters.computed, fromScratch: counters.fromScratch, seconds: outcome.seconds,
                          itemsScored: items - outcome.resumed),
            headline: task.headline, extra: extra)
    }

    func noteIfPartial<R>(_ outcome: EvaluationOutcome<R>, items: Int, data: DatasetIdentity) {
        if !outcome.complete {
            printError("run \(outcome.runID) holds \(items) of \(data.itemCount) items (--limit); running without --limit completes it")
        }
    }

    func reportSkipped(_ skipped: [String]) {
        guard !skipped.isEmpty else { return }
        printError("skipped \(skipped.count) invalid record(s):")
        for message in skipped.prefix(10) { printError("  " + message) }
        if skipped.count > 10 { printError("  … and \(skipped.count - 10) more") }
    }
}

extension TruthfulQADataset {
    /// The run key's view of the file.
    var identity: DatasetIdentity { DatasetIdentity(checksum: checksum, itemCount: items.count, path: fileURL.path) }
}

extension ChoiceScoring: ExpressibleByArgument {}
extension TruthfulQAVersion: ExpressibleByArgument {}
