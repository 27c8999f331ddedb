import ArgumentParser
import Foundation
import TKConsole
import TKReports
import TKStore

/// `truthkit runs …`: what the run store holds.
struct RunsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runs",
        abstract: "List, show and delete stored evaluation runs.",
        discussion: """
            Every scored item is stored as it completes in $TRUTHKIT_HOME/runs.sqlite (default \
            ~/.cache/truthkit/runs.sqlite), keyed by model fingerprint, task, data checksum and settings. \
            An interrupted evaluation resumes from there, and a finished one is read back instead of re-run.
            """,
        subcommands: [List.self, Show.self, Delete.self, Export.self, Compare.self],
        defaultSubcommand: List.self
    )
}

extension RunsCommand {
    /// `--store PATH`, shared by every `runs` subcommand.
    struct StoreOptions: ParsableArguments {
        @Option(help: ArgumentHelp("The run database to read (default: $TRUTHKIT_HOME/runs.sqlite).", valueName: "path"))
        var store: String?

        var path: String { store ?? ResultStore.defaultPath() }

        /// The store, or nil when the file does not exist yet (nothing has been evaluated), so
        /// that looking does not create an empty database.
        func openIfPresent() throws -> ResultStore? {
            guard FileManager.default.fileExists(atPath: path) else {
                if store != nil {
                    throw StoreError(.cannotOpen, "There is no run database at \(path); check the --store path.", path: path)
                }
                return nil
            }
            return try ResultStore(path: path)
        }
    }

    /// `truthkit runs list`: one line per run.
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List stored runs, oldest first.")

        @OptionGroup var options: StoreOptions

        @Flag(help: "Print JSON on stdout instead of a table.")
        var json = false

        func run() throws {
            let runs = try options.openIfPresent()?.listRuns() ?? []
            if json {
                try printJSONObject(runs.map { RunsCommand.jsonObject(for: $0, includeSummary: false) })
                return
            }
            guard !runs.isEmpty else {
                print("No runs yet in \(options.path). `truthkit eval` stores its runs there.")
                return
            }
            var table = TextTable(columns: [
                .init("ID", alignment: .right), .init("CREATED"), .init("MODEL"), .init("TASK"), .init("STATUS"),
                .init("ITEMS", alignment: .right), .init("RESULT"),
            ])
            for run in runs {
                let headline = RunsCommand.headline(of: run).map { "\($0.name) \(String(format: "%.3f", $0.value))" } ?? "-"
                table.addRow(
                    String(run.id), RunsCommand.format(run.createdAt), run.key.modelName, run.key.task, run.status.rawValue,
                    "\(run.completedCount)/\(run.itemCount)", headline
                )
            }
            print("Store: \(options.path)")
            print(table.render())
        }
    }

    /// `truthkit runs show ID`: one run's key, settings and summary, or its items.
    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show one run: what it evaluated, its settings and its summary.",
            discussion: "With --items, stdout carries only the stored item results, one JSON object per line: {\"item\": N, \"payload\": …}."
        )

        @Argument(help: "The run's id, as `truthkit runs list` shows it.")
        var id: Int64

        @OptionGroup var options: StoreOptions

        @Flag(help: "Print JSON on stdout instead of text.")
        var json = false

        @Flag(help: "Print the stored item results as JSON lines instead.")
        var items = false

        @Flag(name: .customLong("wrong-only"), help: "With --items: only items the model got wrong (MC1 missed; lettered letter wrong; a generated answer a judge found untruthful, or without a judge, BLEU's true side not ahead).")
        var wrongOnly = false

        func run() throws {
            guard let store = try options.openIfPresent(), let run = try store.run(id: id) else {
                throw StoreError(
                    .runNotFound, "There is no run \(id) in \(options.path); `truthkit runs list` shows the runs there are.",
                    path: options.path
                )
            }
            if items {
                for item in try store.items(run: run.id) where !wrongOnly || RunsCommand.isWrong(item.payload) {
                    print(#"{"item":\#(item.index),"payload":\#(RunsCommand.singleLine(item.payload))}"#)
                }
                return
            }
            if json {
                try printJSONObject(RunsCommand.jsonObject(for: run, includeSummary: true))
                return
            }
            print(RunsCommand.describe(run))
        }
    }

    /// `truthkit runs delete ID`: remove a run so the next evaluation starts it afresh.
    struct Delete: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Delete a run and its item results, so the next evaluation with its key starts afresh."
        )

        @Argument(help: "The run's id, as `truthkit runs list` shows it.")
        var id: Int64

        @OptionGroup var options: StoreOptions

        func run() throws {
            guard let store = try options.openIfPresent(), let run = try store.run(id: id) else {
                throw StoreError(
                    .runNotFound, "There is no run \(id) in \(options.path); `truthkit runs list` shows the runs there are.",
                    path: options.path
                )
            }
            try store.deleteRun(id: id)
            print("Deleted run \(id) (\(run.key.modelName), \(run.key.task), \(run.completedCount)/\(run.itemCount) items).")
        }
    }
}

// MARK: - Formatting

extension RunsCommand {
    /// The number a run is known by: MC2 if the summary has it, else MC1, else its first metric.
    ///
    /// The summary is whatever JSON the evaluator stored; metrics are looked for under a top-level
    /// `metrics` object or under `summary.metrics` (the `eval` report), each either a number or an
    /// object with a `mean`.
    static func headline(of run: StoredRun) -> (name: String, value: Double)? {
        guard let metrics = metrics(of: run) else { return nil }
        let names = ["mc2", "mc1"] + metrics.keys.sorted()
        for name in names {
            if let value = number(metrics[name]) { return (name, value) }
        }
        return nil
    }

    static func metrics(of run: StoredRun) -> [String: Any]? {
        guard let data = run.summary,
              let root = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return nil }
        if let metrics = root["metrics"] as? [String: Any] { return metrics }
        if let nested = root["summary"] as? [String: Any], let metrics = nested["metrics"] as? [String: Any] { return metrics }
        return nil
    }

    private static func number(_ value: Any?) -> Double? {
        if let value = value as? NSNumber, !(value is Bool) { return value.doubleValue }
        if let object = value as? [String: Any], let mean = object["mean"] as? NSNumber { return mean.doubleValue }
        return nil
    }

    static func describe(_ run: StoredRun) -> String {
        var lines = ["Run \(run.id): \(run.status.rawValue), \(run.completedCount)/\(run.itemCount) items"]
        var facts = TextTable(columns: [.init("FIELD"), .init("VALUE")])
        facts.addRow("model", run.key.modelName)
        facts.addRow("fingerprint", run.key.modelFingerprint)
        facts.addRow("task", "\(run.key.task) (version \(run.key.taskVersion))")
        facts.addRow("data checksum", run.key.dataChecksum)
        facts.addRow("run key", run.keyDigest)
        facts.addRow("created", format(run.createdAt))
        facts.addRow("updated", format(run.updatedAt))
        if let failure = run.failure { facts.addRow("failure", failure) }
        lines.append(facts.render())

        if !run.key.settings.isEmpty {
            var settings = TextTable(columns: [.init("SETTING"), .init("VALUE")])
            for name in run.key.settings.keys.sorted() {
                settings.addRow(name, run.key.settings[name]!)
            }
            lines.append("")
            lines.append(settings.render())
        }

        if let metrics = metrics(of: run), !metrics.isEmpty {
            var table = TextTable(columns: [
                .init("METRIC"), .init("MEAN", alignment: .right), .init("95% INTERVAL", alignment: .right), .init("N", alignment: .right),
            ])
            for name in metrics.keys.sorted() {
                let object = metrics[name] as? [String: Any]
                let mean = number(metrics[name]).map { String(format: "%.4f", $0) } ?? "-"
                var interval = "-"
                if let lower = object?["lower"] as? NSNumber, let upper = object?["upper"] as? NSNumber {
                    interval = String(format: "%.4f–%.4f", lower.doubleValue, upper.doubleValue)
                }
                let count = (object?["count"] as? NSNumber).map { "\($0.intValue)" } ?? "-"
                table.addRow(name, mean, interval, count)
            }
            lines.append("")
            lines.append(table.render())
            lines.append("(--json shows the whole summary, per category and type included)")
        } else if run.summary != nil {
            lines.append("")
            lines.append("Summary stored; --json shows it.")
        } else {
            lines.append("")
            lines.append(run.status == .finished ? "No summary stored." : "No summary yet: the run has not finished. Running the same evaluation again resumes it.")
        }
        return lines.joined(separator: "\n")
    }

    /// A run as a JSON object; the stored summary is embedded as JSON, not as a string.
    static func jsonObject(for run: StoredRun, includeSummary: Bool) -> [String: Any] {
        var object: [String: Any] = [
            "id": run.id,
            "key": run.keyDigest,
            "modelName": run.key.modelName,
            "modelFingerprint": run.key.modelFingerprint,
            "task": run.key.task,
            "taskVersion": run.key.taskVersion,
            "dataChecksum": run.key.dataChecksum,
            "settings": run.key.settings,
            "status": run.status.rawValue,
            "itemCount": run.itemCount,
            "completedCount": run.completedCount,
            "createdAt": iso8601(run.createdAt),
            "updatedAt": iso8601(run.updatedAt),
            "failure": run.failure ?? NSNull(),
        ]
        if let headline = headline(of: run) {
            object["headline"] = ["metric": headline.name, "value": headline.value] as [String: Any]
        }
        if includeSummary {
            object["summary"] = run.summary.flatMap { try? JSONSerialization.jsonObject(with: $0, options: .fragmentsAllowed) } ?? NSNull()
        }
        return object
    }

    /// The payload on one line: as stored when it already is, else re-serialised compactly.
    static func singleLine(_ payload: Data) -> String {
        let text = String(decoding: payload, as: UTF8.self)
        guard text.contains("\n") || text.contains("\r") else { return text }
        guard let object = try? JSONSerialization.jsonObject(with: payload, options: .fragmentsAllowed),
              let compact = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .fragmentsAllowed, .withoutEscapingSlashes])
        else { return text.replacingOccurrences(of: "\n", with: " ").replacingOccurrences(of: "\r", with: " ") }
        return String(decoding: compact, as: UTF8.self)
    }

    static func format(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "yyyy-MM-dd HH:mm"
        return formatter.string(from: date)
    }

    static func iso8601(_ date: Date) -> String {
        ISO8601DateFormatter().string(from: date)
    }
}

/// Pretty JSON of a Foundation object tree (the run summaries are stored JSON, not Swift types).
private func printJSONObject(_ object: Any) throws {
    let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
    print(String(decoding: data, as: UTF8.self))
}

extension RunsCommand {
    /// Whether a stored item result counts as wrong, read from its JSON: the task's headline
    /// verdict (MC1; lettered MC1; a judge's truthful verdict, else BLEU acc for generation).
    static func isWrong(_ payload: Data) -> Bool {
        ReportItem(payload: payload, index: 0)?.isWrong ?? false
    }
}

