import ArgumentParser
import Foundation
import TKReports
import TKStore

extension RunsCommand {
    /// `truthkit runs export ID --format lm-eval|csv --out DIR`: a run as files other tools read.
    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a run as lm-evaluation-harness results/samples files or as per-item CSV.",
            discussion: """
                --format lm-eval writes DIR/<model>/results_<date>.json and samples_<task>_<date>.jsonl as \
                lm-evaluation-harness 0.4 does (TruthfulQA MC → truthfulqa_mc1 and truthfulqa_mc2; generation → \
                truthfulqa_gen). --format csv writes DIR/items_run<ID>.csv, one row per item.
                """
        )

        enum Format: String, ExpressibleByArgument, CaseIterable {
            case lmEval = "lm-eval", csv
        }

        @Argument(help: "The run's id, as `truthkit runs list` shows it.")
        var id: Int64

        @Option(help: "lm-eval or csv.")
        var format: Format = .lmEval

        @Option(help: ArgumentHelp("The folder to write into (created if needed).", valueName: "dir"))
        var out: String

        @OptionGroup var options: StoreOptions

        func run() throws {
            let snapshot = try RunsCommand.snapshot(id, options)
            for note in snapshot.notes { printError("note: \(note)") }
            let paths = switch format {
            case .lmEval: try LMEvalExport(snapshot).write(to: out)
            case .csv: [try ItemCSV.write(snapshot, to: out)]
            }
            for path in paths { print(path) }
        }
    }

    /// The run with `id` read for reports, or an error naming the store.
    static func snapshot(_ id: Int64, _ options: StoreOptions) throws -> RunSnapshot {
        guard let store = try options.openIfPresent() else {
            throw StoreError(.runNotFound, "There is no run \(id): no run store exists yet at \(options.path). `truthkit eval` creates it.", path: options.path)
        }
        return try RunSnapshot.load(id: id, from: store)
    }
}
