import Foundation
import Testing
import TKBenchmarks
import TKMetrics
import TKEvaluation
@testable import TKReports
import TKCalibration

@Suite struct HTMLReportTests {
    @Test func singleRunReportHasEverySectionAndTheRunsNumbers() throws {
        let fixture = try FixtureStore()
        let run = try fixture.run(task: "truthfulqa-mc", itemCount: 3, results: FixtureStore.mcResults)
        let (report, problems) = try RunReport.build(ids: [run.id], store: fixture.store, storePath: fixture.store.path)
        let html = report.render()
        #expect(problems.isEmpty)
        for id in ["run-1", "breakdown-1", "items-1"] { #expect(html.contains("<section id=\"\(id)\""), "missing section \(id)") }
        // The headline equals the task's own summary of the same results (the evaluator's path).
        let summary = try TruthfulQAMultipleChoiceTask(format: PromptFormat(preset: .qa)).summarize(FixtureStore.mcResults.map(\.1))
        for metric in ["mc1", "mc2", "mc3"] {
            #expect(html.contains("data-metric=\"\(metric)\" data-mean=\"\(summary.metrics[metric]!.mean)\""), "\(metric) headline")
        }
        #expect(summary.metrics["mc1"]!.mean == 2.0 / 3)  // hand-worked: MC1 1, 0, 1
        // Bars: MC1, MC2, MC3 × (2 types + 2 categories), plus the calibration section's non-empty reliability bins.
        let bins = try CalibrationSection.forRun(store: fixture.store, runID: run.id).bins.filter { $0.count > 0 }.count
        #expect(occurrences(of: "<rect class=\"tk-bar\"", in: html) == 12 + bins)
        #expect(occurrences(of: "<li class=\"tk-item", in: html) == 3 && occurrences(of: "data-wrong=\"1\"", in: html) == 1)
        #expect(externalReferences(html).isEmpty)
        #expect(!html.contains("<script>alert") && html.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quoted&quot;"))
        #expect(html.contains(fixture.store.path) == false)  // provenance names the model and data, not the store
        #expect(html.contains("d000000000"))  // the data checksum
    }

    @Test func interventionPairGetsAnInterventionSectionWithMeasures() throws {
        let fixture = try FixtureStore()
        let base = try fixture.run(task: "truthfulqa-mc", itemCount: 3, results: FixtureStore.mcResults)
        let dola = try fixture.run(task: "truthfulqa-mc", fingerprint: "sha256:abc+dola(layers=high)", itemCount: 3, results: [
            (0, FixtureStore.mcItem(0, category: "Health", pick: 0, mc2: 0.8)), (1, FixtureStore.mcItem(1, category: "Health", pick: 0, mc2: 0.6)),
            (2, FixtureStore.mcItem(2, category: "Law", pick: 0, mc2: 0.5)),
        ])
        let measuresFile = fixture.folder.appendingPathComponent("comparison.json")
        try Data(#"{"intervention":"dola:layers=high","intervened":{},"kl_neutral_text":0.0123,"overhead":{"base_tokens_per_second":40.0,"intervened_tokens_per_second":20.0,"slowdown":2.0}}"#.utf8)
            .write(to: measuresFile)
        let measures = try InterventionMeasures.read(comparisonJSON: measuresFile.path)
        let html = try RunReport.build(ids: [base.id, dola.id], store: fixture.store, storePath: "", measures: measures).report.render()
        #expect(html.contains("<section id=\"intervention-2\""))
        #expect(html.contains("0.0123 nats/token") && html.contains("40.0 → 20.0 tokens/s") && html.contains("2.00× time per token"))
        // MC1 1,0,1 → 1,1,1: +33.3 points.
        #expect(html.contains("+33.3 ["))
        #expect(occurrences(of: "data-chart=\"differences\"", in: html) == 2)
        #expect(externalReferences(html).isEmpty)
    }

    @Test func unknownEmptyAndInProgressRunsAreNamedAndWhatExistsIsRendered() throws {
        let fixture = try FixtureStore()
        let partial = try fixture.run(task: "truthfulqa-mc", itemCount: 5, results: FixtureStore.mcResults)
        let empty = try fixture.run(task: "truthfulqa-mc", settings: ["preset": "null"], itemCount: 5, results: [(Int, MultipleChoiceItemResult)]())
        let (report, problems) = try RunReport.build(ids: [partial.id, 42, empty.id], store: fixture.store, storePath: "/x/runs.sqlite")
        let html = report.render()
        #expect(problems == ["There is no run 42 in /x/runs.sqlite; `truthkit runs list` shows the runs there are."])
        #expect(html.contains("<section id=\"problems\"") && html.contains("There is no run 42"))
        #expect(html.contains("still in progress") && html.contains("3 of 5 items are stored"))
        #expect(html.contains("Run 2 has no scored items yet"))
        #expect(html.contains("<section id=\"items-1\"") && !html.contains("<section id=\"items-2\""))
        #expect(html.contains("Not compared: Runs 1 and 2 share no item"))
        // No store at all: the page still renders and says so.
        let none = try RunReport.build(ids: [7], store: nil, storePath: "/nowhere/runs.sqlite")
        #expect(none.problems.count == 1 && none.report.render().contains("There is no run 7 in /nowhere/runs.sqlite"))
    }

    @Test func researchSectionsPlugInFromPlainArrays() {
        let report = HTMLReport(title: "t", sections: [
            CalibrationSection(bins: [ReliabilityBin(confidence: 0.3, accuracy: 0.25, count: 4), ReliabilityBin(confidence: 0.7, accuracy: 0.75, count: 4)],
                               riskCoverage: [ChartPoint(x: 0.5, y: 0.1), ChartPoint(x: 1, y: 0.3)]),
            ProbeSection(series: [ChartSeries(name: "ID", points: [ChartPoint(x: 0, y: 0.6), ChartPoint(x: 1, y: 0.8)])]),
            TradeOffSection(points: [ChartPoint(x: 100, y: 0.4, label: "a")], costLabel: "KV bytes", metricLabel: "MC2"),
        ])
        let html = report.render()
        #expect(html.contains("Expected calibration error 5.0%"))  // (4·0.05 + 4·0.05) / 8
        #expect(html.contains("best AUROC 0.800 at layer 1"))
        for kind in ["reliability", "risk-coverage", "line", "scatter"] { #expect(html.contains("data-chart=\"\(kind)\"")) }
        #expect(externalReferences(html).isEmpty)
    }
}
