import Foundation
import Testing
import TKCalibration
import TKEvaluation
@testable import TKReports

/// The calibration and probe sections fed from real data: a stored MC run (through
/// `MultipleChoiceCalibration`, the code `truthkit calibrate` runs) and a `truthkit probe --json` file.
@Suite struct ResearchDataTests {
    /// The calibration section `RunReport.build` added for `runID`.
    static func calibrationSection(_ report: HTMLReport, runID: Int64) -> CalibrationSection? {
        report.sections.first { $0.id == "calibration-\(runID)" } as? CalibrationSection
    }

    @Test func mcRunGetsTheLibrarysCalibration() throws {
        let fixture = try FixtureStore()
        let run = try fixture.run(task: "truthfulqa-mc", itemCount: 3, results: FixtureStore.mcResults)
        let (report, problems) = try RunReport.build(ids: [run.id], store: fixture.store, storePath: "")
        #expect(problems.isEmpty)
        let section = try #require(Self.calibrationSection(report, runID: run.id))

        // The same numbers `truthkit calibrate RUN --preset kadavath` computes for this run.
        let (stored, calibration) = try MultipleChoiceCalibration.load(store: fixture.store, runID: run.id)
        let expected = try calibration.report(run: stored, binning: .kadavath)
        #expect(section.summary == expected.overall)
        #expect(section.bins.map(\.count) == expected.overall.bins.map(\.count))
        #expect(section.bins.map(\.confidence) == expected.overall.bins.map(\.confidence))
        #expect(section.bins.map(\.accuracy) == expected.overall.bins.map(\.accuracy))
        #expect(expected.overall.binCount == 10 && expected.overall.scheme == .equalMass)
        let curve = try calibration.riskCoverage()
        #expect(section.riskCoverage.map(\.x) == curve.map(\.coverage) && section.riskCoverage.map(\.y) == curve.map(\.risk))

        // Hand-worked Brier, independent of the library: MC1 scores put −1 on the pick and −6, −7
        // (pick 0) or −5, −7 (pick 1) on the others; items 0 and 2 are right, item 1 wrong.
        let right = 1 / (1 + exp(-5.0) + exp(-6.0)), wrong = 1 / (1 + exp(-4.0) + exp(-6.0))
        #expect(abs(section.summary!.brier - (2 * (1 - right) * (1 - right) + wrong * wrong) / 3) < 1e-12)

        // The page shows the four numbers and both charts.
        let html = report.render()
        for value in [expected.overall.ece, expected.overall.brier, expected.overall.auroc!, expected.overall.aurc] {
            #expect(html.contains(String(format: "%.4f", value)), "\(value) not on the page")
        }
        #expect(html.contains("<section id=\"calibration-\(run.id)\""))
        #expect(html.contains("data-chart=\"reliability\" data-count=\"\(expected.overall.bins.filter { $0.count > 0 }.count)\""))
        #expect(html.contains("data-chart=\"risk-coverage\" data-count=\"\(curve.count)\""))
    }

    @Test func generationRunHasNoCalibrationSection() throws {
        let fixture = try FixtureStore()
        let gen = try fixture.run(task: "truthfulqa-gen", itemCount: 1, results: [
            (0, FixtureStore.genItem(0, category: "Health", answer: "Yes.", bleuAcc: 1, truthful: true)),
        ])
        let (report, problems) = try RunReport.build(ids: [gen.id], store: fixture.store, storePath: "")
        #expect(problems.isEmpty)
        #expect(report.sections.contains { $0.id == "run-\(gen.id)" })
        #expect(!report.sections.contains { $0.id.hasPrefix("calibration") })
        #expect(!report.render().contains("data-chart=\"reliability\""))
    }

    @Test func probeFileRendersOneLinePerProbeWithEveryLayer() throws {
        let fixture = try FixtureStore()
        let file = fixture.folder.appendingPathComponent("probes.json")
        // Two probe kinds × 3 layers; layer 2 of logistic had one class only (AUROC null), so 5 points.
        try Data("""
            {"model":"tiny.gguf","statements":12,"layers":[
             {"layer":0,"probe":"logistic","auroc":0.61,"auroc_low":0.55,"auroc_high":0.67},
             {"layer":0,"probe":"mass-mean","auroc":0.58,"auroc_low":0.5,"auroc_high":0.66},
             {"layer":1,"probe":"logistic","auroc":0.72,"auroc_low":0.65,"auroc_high":0.79},
             {"layer":1,"probe":"mass-mean","auroc":0.7,"auroc_low":0.62,"auroc_high":0.78},
             {"layer":2,"probe":"logistic","auroc":null,"auroc_low":null,"auroc_high":null},
             {"layer":2,"probe":"mass-mean","auroc":0.75,"auroc_low":0.7,"auroc_high":0.8}]}
            """.utf8).write(to: file)
        let section = try ProbeSection.read(probesJSON: file.path)
        #expect(section.series.map(\.name) == ["logistic", "mass-mean"])
        #expect(section.series.map(\.points.count) == [2, 3])
        #expect(section.series[1].points.map(\.x) == [0, 1, 2] && section.series[1].points[2].low == 0.7)
        let html = section.html()
        #expect(html.contains("data-chart=\"line\" data-count=\"5\""))
        #expect(occurrences(of: "<circle class=\"tk-point", in: html) == 5)
        #expect(occurrences(of: "<polygon class=\"tk-band", in: html) == 2)  // every point of both lines has its interval
        #expect(html.contains("mass-mean: best AUROC 0.750 at layer 2"))

        // Through the report: the section sits beside the run's own.
        let run = try fixture.run(task: "truthfulqa-gen", itemCount: 1, results: [
            (0, FixtureStore.genItem(0, category: "Health", answer: "Yes.", bleuAcc: 1, truthful: true)),
        ])
        let page = try RunReport.build(ids: [run.id], store: fixture.store, storePath: "", extra: [section]).report.render()
        #expect(page.contains("<section id=\"probes\""))
    }

    @Test func badProbeFilesAreNamedWithWhatIsWrong() throws {
        let fixture = try FixtureStore()
        func error(_ contents: String?) throws -> String {
            let path = fixture.folder.appendingPathComponent("probes-\(UUID().uuidString).json").path
            if let contents { try Data(contents.utf8).write(to: URL(fileURLWithPath: path)) }
            let thrown = #expect(throws: ReportError.self) { try ProbeSection.read(probesJSON: path) }
            let message = thrown?.description ?? ""
            #expect(message.contains(path), "the message does not name the file: \(message)")
            return message
        }
        #expect(try error(nil).contains("there is no such file"))
        #expect(try error("{\"layers\": [").contains("not valid JSON"))
        #expect(try error(#"{"layers":[{"layer":"three","probe":"logistic","auroc":0.6}]}"#).contains("layers[0].layer has the wrong type (expected Int)"))
        #expect(try error(#"{"layers":[{"layer":3,"auroc":0.6}]}"#).contains("layers[0].probe is missing"))
        #expect(try error(#"{"results":[]}"#).contains("layers is missing"))
        #expect(try error(#"{"layers":[]}"#).contains("list no layers"))
    }
}
