import ArgumentParser
import Foundation
import TKCalibration
import TKConsole
import TKEvaluation
import TKMetrics
import TKStore

extension Binning.Scheme: ExpressibleByArgument {}

/// `truthkit calibrate RUN_ID`: calibration of a stored multiple-choice run, with no re-scoring.
struct CalibrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calibrate",
        abstract: "Calibration of a stored multiple-choice run (truthfulqa-mc or mc): ECE, RMS-CE, Brier, AUROC, AURC, reliability bins.",
        discussion: """
            Confidence = the top MC1 choice's softmax probability over the MC1 choices; outcome = MC1 \
            correctness (for a generic `eval --task mc` run: the top option's, and acc). Overall and per category, with bootstrap intervals, and ECE-t/Brier-t after \
            temperature scaling fitted on k−1 folds and scored on the held-out fold. Presets: \
            --preset kadavath (10 equal-mass bins), --preset polygraph (20 equal-width bins).
            """
    )

    enum Preset: String, ExpressibleByArgument, CaseIterable { case kadavath, polygraph }

    @Argument(help: "The run's id, as `truthkit runs list` shows it (a truthfulqa-mc or mc run).")
    var runID: Int64

    @Option(help: "Number of bins.")
    var bins: Int?

    @Option(help: "Bin scheme: equal-mass (default) or equal-width.")
    var scheme: Binning.Scheme?

    @Option(help: "Bins as a published convention: kadavath (10 equal-mass) or polygraph (20 equal-width); --bins/--scheme override it.")
    var preset: Preset?

    @Option(help: "Folds for cross-fitted temperature scaling.")
    var folds = 5

    @Option(help: "Bootstrap resamples for the intervals.")
    var resamples = 1_000

    @Option(help: "Seed of the bootstrap and of the temperature-scaling folds.")
    var seed: UInt64 = 0

    @Option(help: ArgumentHelp("The run database (default: $TRUTHKIT_HOME/runs.sqlite).", valueName: "path"))
    var store: String?

    @Option(help: ArgumentHelp("Write items.jsonl ({index, confidence, correct, category}) and calibration.json here.", valueName: "dir"))
    var out: String?

    @Flag(help: "Print the report as JSON on stdout.")
    var json = false

    func validate() throws {
        if let bins, bins < 1 { throw ValidationError("--bins must be at least 1, got \(bins); 10 is usual.") }
        if folds < 2 { throw ValidationError("--folds must be at least 2 (temperature is fitted on the other folds), got \(folds).") }
        if resamples < 1 { throw ValidationError("--resamples must be at least 1, got \(resamples).") }
    }

    var binning: Binning {
        var b = preset == .polygraph ? Binning.polygraph : Binning.kadavath
        if let bins { b.count = bins }
        if let scheme { b.scheme = scheme }
        return b
    }

    func run() throws {
        let path = store ?? ResultStore.defaultPath()
        guard FileManager.default.fileExists(atPath: path) else {
            throw ValidationError("There is no run database at \(path); run `truthkit eval` first (or pass --store).")
        }
        let (run, calibration) = try MultipleChoiceCalibration.load(store: try ResultStore(path: path), runID: runID)
        let report = try calibration.report(run: run, binning: binning, bootstrap: Bootstrap(resamples: resamples, seed: seed), folds: folds)
        if let out {
            try OutputJSON.write(results: try calibration.records(), summary: report, summaryName: "calibration.json", to: out)
        }
        if json {
            try printJSON(report)
            return
        }
        print(Self.render(report, binning: binning))
    }

    static func render(_ r: MultipleChoiceCalibration.Report, binning: Binning) -> String {
        let o = r.overall
        func f(_ v: Double?) -> String { v.map { String(format: "%.4f", $0) } ?? "-" }
        func interval(_ name: String) -> String {
            o.intervals[name].map { String(format: "%.4f–%.4f", $0.lower, $0.upper) } ?? "-"
        }
        var lines = ["Run \(r.runId) (\(r.model), \(r.task)\(r.complete ? "" : ", partial")): \(o.n) items, \(binning)",
                     "confidence: \(r.confidence); correct: \(r.correctness)"]
        var table = TextTable(columns: [.init("METRIC"), .init("VALUE", alignment: .right), .init("95% INTERVAL", alignment: .right)])
        table.addRow("accuracy (mc1)", f(o.accuracy), "-")
        table.addRow("mean confidence", f(o.meanConfidence), "-")
        table.addRow("ece", f(o.ece), interval("ece"))
        table.addRow("rms_ce", f(o.rmsCe), "-")
        table.addRow("brier", f(o.brier), interval("brier"))
        table.addRow("auroc", f(o.auroc), interval("auroc"))
        table.addRow("aurc", f(o.aurc), "-")
        table.addRow("e_aurc", f(o.eAurc), "-")
        table.addRow("aurac", f(o.aurac), "-")
        table.addRow("ece_t", f(r.temperatureScaled.eceT), "-")
        table.addRow("brier_t", f(r.temperatureScaled.brierT), "-")
        lines.append(table.render())
        var binsTable = TextTable(columns: [.init("BIN CONFIDENCE", alignment: .right), .init("ACCURACY", alignment: .right), .init("COUNT", alignment: .right)])
        for bin in o.bins { binsTable.addRow(f(bin.confidence), f(bin.accuracy), String(bin.count)) }
        lines.append("")
        lines.append(binsTable.render())
        var categories = TextTable(columns: [.init("CATEGORY"), .init("N", alignment: .right), .init("ACC", alignment: .right),
                                             .init("ECE", alignment: .right), .init("BRIER", alignment: .right), .init("AUROC", alignment: .right)])
        for name in r.byCategory.keys.sorted() {
            let c = r.byCategory[name]!
            categories.addRow(name, String(c.n), f(c.accuracy), f(c.ece), f(c.brier), f(c.auroc))
        }
        lines.append("")
        lines.append(categories.render())
        return lines.joined(separator: "\n")
    }
}
