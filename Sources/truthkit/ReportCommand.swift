import ArgumentParser
import Foundation
import TKReports
import TKStore

/// `truthkit report ID… --out report.html`: one self-contained HTML file for runs in the store.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write a self-contained HTML report (inline CSS and SVG charts) of one run or a comparison of runs.",
        discussion: """
            One run: headline metrics with bootstrap intervals, provenance, MC1/MC2/MC3 (or the task's metrics) per \
            type and category, and an item browser with search and a wrong-only filter. Several runs: each is compared \
            with the first, item by item, with paired-bootstrap intervals; when the first is a baseline and another \
            the same model file with an intervention, an intervention section shows Δ (and KL and overhead with \
            --comparison). A truthfulqa-mc run also gets its calibration (reliability diagram and risk–coverage, 10 \
            equal-mass bins, as `truthkit calibrate --preset kadavath`); --probes adds probe AUROC per layer. \
            A run in progress or an unknown id is reported on the page; what exists is still rendered.
            """
    )

    @Argument(help: "Run ids, as `truthkit runs list` shows them; the first is the baseline of any comparison.")
    var ids: [Int64]

    @Option(help: ArgumentHelp("The HTML file to write.", valueName: "file"))
    var out: String = "report.html"

    @Option(help: ArgumentHelp("A comparison.json from `eval --intervention … --out DIR`, for the intervention's KL and overhead.", valueName: "file"))
    var comparison: String?

    @Option(help: ArgumentHelp("The JSON `truthkit probe --json` printed, for an AUROC-per-layer section.", valueName: "file"))
    var probes: String?

    @OptionGroup var options: RunsCommand.StoreOptions

    func validate() throws {
        guard !ids.isEmpty else { throw ValidationError("Give at least one run id; `truthkit runs list` shows them.") }
    }

    func run() throws {
        let measures = try comparison.map { try InterventionMeasures.read(comparisonJSON: $0) }
        let probeSection = try probes.map { try ProbeSection.read(probesJSON: $0) }
        let (report, problems) = try RunReport.build(ids: ids, store: try options.openIfPresent(), storePath: options.path,
                                                     measures: measures, extra: probeSection.map { [$0] } ?? [], progress: { printError($0) })
        for problem in problems { printError("error: \(problem)") }
        let url = URL(fileURLWithPath: out)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(report.render().utf8).write(to: url, options: .atomic)
        print(url.path)
        if problems.count == ids.count { throw ExitCode(1) }
    }
}
