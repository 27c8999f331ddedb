import ArgumentParser
import Foundation
import TKBackends
import TKBenchmarks
import TKConsole
import TKEvalCore
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

    enum Task: String, ExpressibleByArgument, CaseIterable {
        case mc = "truthfulqa-mc"
        case gen = "truthfulqa-gen"
    }

    enum Mode: String, ExpressibleByArgument, CaseIterable {
        case scored, lettered
    }

    @OptionGroup var model: ModelOption
    @OptionGroup var engine: EngineOptions
    @OptionGroup var backend: BackendOptions
    @OptionGroup var judge: JudgeOptions

    @Option(help: "Task: \(Task.allCases.map(\.rawValue).joined(separator: ", ")).")
    var task: Task = .mc

    @Option(help: "Prompt preset: \(PromptFormat.names.joined(separator: ", ")).")
    var preset: String = "qa"

    @Option(help: "MC choice score: logprob (sum of token log-probabilities) or pmi (log p(answer|question) − log p(answer|prompt without question)).")
    var scoring: ChoiceScoring = .logprob

    @Option(help: "MC mode: scored (log-likelihoods) or lettered (options as A/B/C…, shuffled with --seed, letter parsed from generated text; reported as lettered_mc1).")
    var mode: Mode = .scored

    @Option(help: "Seed for the lettered-mode shuffle.")
    var seed: UInt64 = 0

    @Option(name: .customLong("max-tokens"), help: "Generation: most tokens per answer (answers that hit it are flagged).")
    var maxTokens: Int = 64

    @Option(help: "A data file (multiple-choice JSONL or an official TruthfulQA CSV) instead of the installed default.")
    var data: String?

    @Option(help: "Language of the installed data (en, es, ca, eu, gl).")
    var lang: String = "en"

    @Option(name: .customLong("data-version"), help: "Release of the installed data: hf (default for en), v0, v1, 2025, multi.")
    var dataVersion: TruthfulQAVersion?

    @Flag(help: "Skip malformed records (counted and reported) instead of stopping at the first.")
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
        if !dataset.skippedRecords.isEmpty {
            printError("skipped \(dataset.skippedRecords.count) invalid record(s):")
            for message in dataset.skippedRecords.prefix(10) { printError("  " + message) }
            if dataset.skippedRecords.count > 10 { printError("  … and \(dataset.skippedRecords.count - 10) more") }
        }
        return dataset
    }

    func run() async throws {
        let dataset = try loadDataset()
        let items = Array(dataset.items.prefix(limit ?? dataset.items.count))
        guard !items.isEmpty else { throw ValidationError("the data file has no items") }

        // With an intervention: baseline and intervened side by side on held-out items.
        if let intervention = backend.intervention, mode == .scored, !showPrompt {
            guard preset != PromptFormat.chatTemplateName else {
                throw ValidationError("--intervention with --preset chat-template is not supported; use a text preset")
            }
            var settings = ["preset": preset, "language": dataset.language, "backend": "native"]
            if task == .gen { settings.merge(backend.activationSettings) { a, _ in a } }
            if let v = dataset.version { settings["data_version"] = v.rawValue }
            let textPreset = PromptPreset(rawValue: preset)!
            let prompt = textPreset.context(question: "What happens if you eat watermelon seeds?")
            switch task {
            case .mc:
                settings["scoring"] = scoring == .logprob ? "sum-logprob" : "pmi"
                try await compareIntervention(intervention, dataset: dataset, items: items,
                                              comparing: multipleChoiceComparison(dataset: dataset, format: PromptFormat(preset: textPreset), settings: settings),
                                              prompt: prompt)
            case .gen:
                let loadedJudge = judge.isSet ? try await judge.load(threads: engine.threads, references: dataset.items.map(JudgeReference.init)) : nil
                do {
                    try await compareIntervention(intervention, dataset: dataset, items: items,
                                                  comparing: generationComparison(dataset: dataset, preset: textPreset, settings: settings, judge: loadedJudge),
                                                  prompt: prompt)
                } catch {
                    await loadedJudge?.close()
                    throw error
                }
                await loadedJudge?.close()
            }
            return
        }

        let loaded = try await backend.makeModel(model, engine: engine)
        let format = try promptFormat(for: loaded)
        if showPrompt {
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

    func evaluate(dataset: TruthfulQADataset, items: [TruthfulQAItem], loaded: LoadedModel, format: PromptFormat) async throws {
        var settings = ["preset": format.name, "language": dataset.language]
        if format.name == PromptFormat.chatTemplateName, let id = loaded.chatRenderer?.templateID { settings["chat_template"] = id }
        settings.merge(loaded.settings) { a, _ in a }
        if let v = dataset.version { settings["data_version"] = v.rawValue }
        if !dataset.skippedRecords.isEmpty { settings["skipped_invalid"] = String(dataset.skippedRecords.count) }
        if task == .gen {
            try await evaluateGeneration(dataset: dataset, items: items, loaded: loaded, preset: PromptPreset(rawValue: preset)!, settings: settings)
            return
        }
        switch mode {
        case .scored:
            settings["scoring"] = scoring == .logprob ? "sum-logprob" : "pmi"
            let evaluator = MultipleChoiceEvaluator(model: loaded.model, format: format, scoring: scoring)
            let headline = [MetricName.mc1, MetricName.mc2, MetricName.mc3, MetricName.binary]
            try await execute(task: task.rawValue, taskVersion: "1", dataset: dataset, items: items, settings: settings,
                              loaded: loaded, headline: headline,
                              evaluate: { completed, onItem in try await evaluator.evaluate(items, completed: completed, onItem: onItem) },
                              index: \MultipleChoiceItemResult.index,
                              summarize: { try MultipleChoiceEvaluator.summarize($0) })
        case .lettered:
            settings["mode"] = "lettered"
            settings["seed"] = String(seed)
            let evaluator = LetteredChoiceEvaluator(model: loaded.model, seed: seed)
            try await execute(task: task.rawValue + "-lettered", taskVersion: "1", dataset: dataset, items: items, settings: settings,
                              loaded: loaded, headline: [MetricName.letteredMC1, MetricName.letteredUnparsed],
                              evaluate: { completed, onItem in try await evaluator.evaluate(items, completed: completed, onItem: onItem) },
                              index: \LetteredChoiceItemResult.index,
                              summarize: { try LetteredChoiceEvaluator.summarize($0) })
        }
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
    func execute<R: Codable & Sendable>(
        task: String, taskVersion: String, dataset: TruthfulQADataset, items: [TruthfulQAItem], settings: [String: String],
        loaded: LoadedModel, headline: [String],
        evaluate: @escaping ([Int: R], @escaping (R) async throws -> Void) async throws -> [R],
        index: @escaping (R) -> Int, summarize: ([R]) throws -> MetricsSummary, extra: ([R]) -> [String: Double] = { _ in [:] }
    ) async throws {
        let evaluation = StoredEvaluation<R>(task: task, taskVersion: taskVersion, model: loaded.model.identity, dataset: dataset,
                                             items: items, settings: settings, storePath: store, progressLabel: task)
        let (outcome, runStore) = try await evaluation.run(evaluate: evaluate, index: index)
        let summary = try summarize(outcome.results)
        let counters = await loaded.tokenCounters()
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let report = EvalReport(
            task: task, model: loaded.model.identity,
            settings: settings.merging(["limit": String(items.count), "data": dataset.fileURL.path]) { a, _ in a },
            summary: summary, run_id: outcome.runID,
            tokens: .init(computed: counters.computed, from_scratch: counters.fromScratch, seconds: outcome.seconds,
                          items_scored: items.count - outcome.resumed),
            headline: headline, extra: extra(outcome.results))
        try await outcome.finishIfComplete(in: runStore) { _ in report }
        if !outcome.complete {
            printError("run \(outcome.runID) holds \(items.count) of \(dataset.items.count) items (--limit); running without --limit completes it")
        }
        if let out { try report.write(results: outcome.results, to: out, encoder: encoder) }
        if json {
            try printJSON(report)
        } else {
            print(report.table())
        }
    }
}

extension ChoiceScoring: ExpressibleByArgument {}
extension TruthfulQAVersion: ExpressibleByArgument {}
