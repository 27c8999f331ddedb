import ArgumentParser
import Foundation
import TKAudit
import TKBenchmarks
import TKEvalCore
import TKEvaluation
import TKStore

/// `truthkit audit`: is the benchmark still measuring truthfulness? Contamination probes,
/// retro-holdout comparison and answer consistency, each a task on the evaluation core.
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Audit the benchmark's validity for a model: contamination (TS-Guessing), retro-holdout, consistency.",
        subcommands: [ContaminationCommand.self, HoldoutCommand.self, ConsistencyCommand.self])
}

/// Options every audit subcommand shares: the data, the store, the output.
struct AuditDataOptions: ParsableArguments {
    @Option(help: "A TruthfulQA CSV instead of the installed 2021 v0 CSV (categories and sources come from it).")
    var data: String?

    @Option(help: "Evaluate only the first N eligible items.")
    var limit: Int?

    @Option(help: "Run store (SQLite). Default: $TRUTHKIT_HOME/runs.sqlite.")
    var store: String?

    @Flag(help: "Send the prompts as raw text instead of a user turn of the model's chat template.")
    var rawPrompt = false

    @Flag(help: "Print the results as JSON on stdout.")
    var json = false

    func validate() throws {
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1") }
    }

    func loadDataset() throws -> TruthfulQADataset {
        if let data { return try TruthfulQADataset.loadCSV(path: data) }
        return try TruthfulQADataset.load(language: "en", version: .v0)
    }

    func prompter(_ loaded: LoadedModel) -> InstructionPrompter {
        InstructionPrompter(chat: rawPrompt ? nil : loaded.chatRenderer)
    }
}

extension AuditCommand {
    /// Runs one audit task as a stored, resumable run and returns its report (progress on stderr).
    static func execute<T: EvaluationTask>(
        _ task: T, items: [T.Item], source: TruthfulQADataset, loaded: LoadedModel, options: AuditDataOptions,
        excluded: [String: Int] = [:]
    ) async throws -> AuditReport {
        let outcome = try await evaluate(task, items: items, source: source, loaded: loaded, options: options)
        let report = try AuditReport(task, outcome: outcome, model: loaded.model.identity, excluded: excluded)
        try await outcome.finishIfComplete(summary: report)
        return report
    }

    /// The stored run of `task` over the first `--limit` of `items` (all derived from `source`).
    static func evaluate<T: EvaluationTask>(
        _ task: T, items: [T.Item], source: TruthfulQADataset, loaded: LoadedModel, options: AuditDataOptions, label: String? = nil
    ) async throws -> EvaluationOutcome<T.Result> {
        guard !items.isEmpty else { throw ValidationError("\(task.name): no eligible items in \(source.fileURL.path)") }
        let shown = Array(items.prefix(options.limit ?? items.count))
        // Items keep their position in the file as their key, so the run spans the whole file; a run
        // over the eligible subset stays open (unfinished) in the store, its results all usable.
        let data = DatasetIdentity(checksum: source.checksum, itemCount: source.items.count, path: source.fileURL.path)
        return try await Evaluator(store: try ResultStore(path: options.store), progress: ConsoleProgress().handler)
            .run(task, items: shown, model: loaded.model, data: data, settings: loaded.settings, label: label)
    }

    /// Loads the model, runs `body`, and shuts the model down however `body` ends.
    static func withModel<R>(_ model: ModelOption, _ engine: EngineOptions, _ backend: BackendOptions,
                             _ body: (LoadedModel) async throws -> R) async throws -> R {
        let loaded = try await backend.makeModel(model, engine: engine)
        do {
            let result = try await body(loaded)
            await loaded.shutdown()
            return result
        } catch {
            await loaded.shutdown()
            throw error
        }
    }
}
