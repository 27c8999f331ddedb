import ArgumentParser
import TKAudit
import TKBenchmarks
import TKEvaluation
import TKStore

/// `truthkit eval --lang all`: TruthfulQA MC in every installed language (the TruthfulQA-Multi
/// translations and their English source), each its own stored run, then side by side.
extension EvalCommand {
    /// The languages of TruthfulQA-Multi, English (the reference of the paired differences) first.
    static let auditLanguages = ["en", "es", "ca", "eu", "gl"]

    func runAllLanguages() async throws {
        var datasets: [TruthfulQADataset] = []
        for language in Self.auditLanguages {
            do {
                // English from the same release as the translations, so item i is the same question everywhere.
                datasets.append(try TruthfulQADataset.load(language: language, version: .multilingual, skipInvalid: skipInvalid))
            } catch let error as DatasetError where error.code == .fileNotFound {
                printError("\(language): not installed, left out (\(error.description))")
            }
        }
        guard !datasets.isEmpty else {
            throw ValidationError("no TruthfulQA-Multi file is installed (mc_en_multi.jsonl, mc_es.jsonl, …). Run `truthkit data pull truthfulqa`, or set TRUTHKIT_DATA_DIR.")
        }
        let loaded = try await backend.makeModel(model, engine: engine)
        do {
            let format = try promptFormat(for: loaded)
            let task = TruthfulQAMultipleChoiceTask(format: format, scoring: scoring)
            let runStore = try ResultStore(path: store)
            var runs: [MultilingualComparison.LanguageRun] = []
            for dataset in datasets {
                reportSkipped(dataset.skippedRecords)
                let items = Array(dataset.items.prefix(limit ?? dataset.items.count))
                var settings = baseSettings(dataset: dataset, format: format.name, loaded: loaded.settings)
                if format.name == PromptFormat.chatTemplateName, let id = loaded.chatRenderer?.templateID { settings["chat_template"] = id }
                let outcome = try await evaluator(store: runStore).run(
                    task, items: items, model: loaded.model, data: dataset.identity, settings: settings,
                    label: "\(task.name) \(dataset.language)")
                let report = try await self.report(task, outcome: outcome, data: dataset.identity, loaded: loaded, items: items.count)
                try await outcome.finishIfComplete(summary: report)
                noteIfPartial(outcome, items: items.count, data: dataset.identity)
                runs.append(.init(
                    language: dataset.language,
                    items: Dictionary(uniqueKeysWithValues: outcome.results.map { ($0.index, task.score($0)) }),
                    droppedChoices: dataset.droppedEmptyChoices, droppedItems: dataset.skippedRecords.count,
                    runID: outcome.runID, seconds: outcome.seconds))
            }
            let comparison = try MultilingualComparison(runs: runs, model: loaded.model.identity)
            if json { try printJSON(comparison) } else { print(comparison.table()) }
        } catch {
            await loaded.shutdown()
            throw error
        }
        await loaded.shutdown()
    }
}
