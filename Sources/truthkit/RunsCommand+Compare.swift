import ArgumentParser
import Foundation
import TKConsole
import TKEvaluation
import TKReports

extension RunsCommand {
    /// `truthkit runs compare A B`: paired differences per metric and per category.
    struct Compare: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Compare two runs item by item: each metric's paired difference (B − A) with a paired-bootstrap interval, overall and per category."
        )

        @Argument(help: "The first run's id (the baseline).")
        var first: Int64

        @Argument(help: "The second run's id.")
        var second: Int64

        @Option(help: "Bootstrap resamples for the intervals.")
        var resamples: Int = 1_000

        @Option(help: ArgumentHelp("The metric broken down by category (default: the first metric both runs have).", valueName: "name"))
        var metric: String?

        @OptionGroup var options: StoreOptions

        @Flag(help: "Print JSON on stdout instead of tables.")
        var json = false

        func validate() throws {
            guard resamples >= 1 else { throw ValidationError("--resamples must be at least 1 (1000 is usual), got \(resamples).") }
        }

        func run() throws {
            let a = try RunsCommand.snapshot(first, options), b = try RunsCommand.snapshot(second, options)
            for note in a.notes + b.notes { printError("note: \(note)") }
            let comparison = try RunComparison(a, b, bootstrap: .init(resamples: resamples))
            if json {
                print(String(decoding: try OutputJSON.encoder(pretty: true).encode(comparison), as: UTF8.self))
                return
            }
            print("Run \(second) (\(b.run.key.modelName)\(b.intervention.map { " + " + $0 } ?? "")) − run \(first) (\(a.run.key.modelName)\(a.intervention.map { " + " + $0 } ?? "")), paired over \(comparison.sharedItems) items"
                + (comparison.unpairedItems > 0 ? " (\(comparison.unpairedItems) unpaired items left out)" : ""))
            print(Self.table(comparison.metrics.map { ($0.metric, $0) }, label: "metric", first: first, second: second))
            let broken = metric ?? comparison.metrics.first?.metric
            guard let broken else { return }
            guard comparison.metrics.contains(where: { $0.metric == broken }) else {
                throw ValidationError("Neither run has the metric '\(broken)' on shared items; they have: \(comparison.metrics.map(\.metric).joined(separator: ", ")).")
            }
            let rows = comparison.byCategory.compactMap { group in group.rows.first { $0.metric == broken }.map { (group.category, $0) } }
            print("")
            print("\(broken) by category:")
            print(Self.table(rows.sorted { $0.1.difference.meanDifference > $1.1.difference.meanDifference }, label: "category",
                             first: first, second: second))
            print("* interval excludes zero; \(resamples) paired-bootstrap resamples, seed 0")
        }

        static func cells(_ row: RunComparison.Row, label: String) -> [String] {
            let d = row.difference
            let fraction = ReportFormat.isFraction(row.metric)
            let diff = fraction ? "\(ReportFormat.points(d.meanDifference)) [\(ReportFormat.points(d.lower)), \(ReportFormat.points(d.upper))]"
                : String(format: "%+.2f [%+.2f, %+.2f]", d.meanDifference, d.lower, d.upper)
            return [label, String(d.count), ReportFormat.metric(row.metric, row.first), ReportFormat.metric(row.metric, row.second),
                    diff + (d.excludesZero ? " *" : "")]
        }

        /// One row per (label, paired difference): n, both means, the difference with its interval.
        static func table(_ rows: [(String, RunComparison.Row)], label: String, first: Int64, second: Int64) -> String {
            var t = TextTable(columns: [.init(label), .init("n", alignment: .right), .init("run \(first)", alignment: .right),
                                        .init("run \(second)", alignment: .right), .init("difference [95% CI]", alignment: .right)])
            for (name, row) in rows { t.addRow(cells(row, label: name)) }
            return t.render()
        }
    }
}
