import Foundation
import Testing

/// `report`, `runs compare` and `runs export` on bad input: each says what is wrong and what to do,
/// and `report` still writes a page naming the problem. No model needed.
@Suite struct ReportsCLITests {
    @Test func unknownRunsAreNamedAndTheReportIsStillWritten() throws {
        let cli = try CLIRunner()
        let out = cli.home.appendingPathComponent("report.html")
        let report = try cli.run(["report", "5", "--out", out.path])
        #expect(report.status == 1 && report.stderr.contains("There is no run 5"), "stderr: \(report.stderr)")
        let html = try String(contentsOf: out, encoding: .utf8)
        #expect(html.contains("<section id=\"problems\"") && html.contains("There is no run 5"))

        let compare = try cli.run(["runs", "compare", "1", "2"])
        #expect(compare.status != 0 && compare.stderr.contains("no run store exists yet"), "stderr: \(compare.stderr)")
        let export = try cli.run(["runs", "export", "3", "--format", "csv", "--out", cli.home.path])
        #expect(export.status != 0 && export.stderr.contains("There is no run 3"), "stderr: \(export.stderr)")
        let format = try cli.run(["runs", "export", "3", "--format", "xlsx", "--out", cli.home.path])
        #expect(format.status != 0 && format.stderr.contains("lm-eval") && format.stderr.contains("csv"), "stderr: \(format.stderr)")
    }
}
