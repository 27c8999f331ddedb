import Foundation
import Testing
import TKBenchmarks
@testable import TKReports
import TKCalibration

/// Headless Chromium on the `chromium` found on PATH (or `$TRUTHKIT_CHROMIUM`).
enum Chromium {
    static let path: String? = {
        if let given = ProcessInfo.processInfo.environment["TRUTHKIT_CHROMIUM"], !given.isEmpty { return given }
        let dirs = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":")
        for name in ["chromium", "chromium-browser", "google-chrome"] {
            for dir in dirs where FileManager.default.isExecutableFile(atPath: "\(dir)/\(name)") { return "\(dir)/\(name)" }
        }
        return nil
    }()

    /// Runs Chromium headless with `arguments` on `url`; returns stdout and stderr (through files,
    /// so a large DOM cannot fill a pipe and stall the browser).
    static func run(_ arguments: [String], url: String) throws -> (out: String, err: String) {
        let base = NSTemporaryDirectory() + "tk-chromium-\(UUID().uuidString)"
        FileManager.default.createFile(atPath: base + ".out", contents: nil)
        FileManager.default.createFile(atPath: base + ".err", contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path!)
        process.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--enable-logging=stderr", "--v=0",
                             "--virtual-time-budget=3000", "--user-data-dir=\(base).profile"] + arguments + [url]
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: base + ".out"))
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: base + ".err"))
        try process.run()
        process.waitUntilExit()
        defer { for suffix in [".out", ".err", ".profile"] { try? FileManager.default.removeItem(atPath: base + suffix) } }
        return (try String(contentsOfFile: base + ".out", encoding: .utf8), try String(contentsOfFile: base + ".err", encoding: .utf8))
    }
}

/// Every report kind rendered in a real browser: the page is not blank, its script ran without an
/// error, the charts are in the DOM with the expected number of bars and points, the filters work.
@Suite(.serialized, .enabled(if: Chromium.path != nil, "chromium is not installed (apt-get install chromium); CI installs it"))
struct BrowserCheckTests {
    struct Kind {
        var name: String
        var html: String
        var charts: Int
        var bars: Int
        var points: Int
        /// Items shown with #wrong-only, per browser (nil: no item browser).
        var wrongShown: [Int]?
    }

    static func kinds() throws -> [Kind] {
        let fixture = try FixtureStore()
        let mc = try fixture.run(task: "truthfulqa-mc", itemCount: 3, results: FixtureStore.mcResults)
        let dola = try fixture.run(task: "truthfulqa-mc", fingerprint: "sha256:abc+dola(layers=high)", itemCount: 3, results: [
            (0, FixtureStore.mcItem(0, category: "Health", pick: 0, mc2: 0.8)), (1, FixtureStore.mcItem(1, category: "Health", pick: 0, mc2: 0.6)),
            (2, FixtureStore.mcItem(2, category: "Law", pick: 2, mc2: 0.5)),
        ])
        let gen = try fixture.run(task: "truthfulqa-gen", itemCount: 3, results: [
            (0, FixtureStore.genItem(0, category: "Health", answer: "Yes.", bleuAcc: 1, truthful: true)),
            (1, FixtureStore.genItem(1, category: "Law", answer: "No <b>bold</b>.", bleuAcc: 0, truthful: false)),
            (2, FixtureStore.genItem(2, category: "Law", answer: "Maybe.", bleuAcc: 1, truthful: nil)),
        ])
        func report(_ ids: [Int64]) throws -> String { try RunReport.build(ids: ids, store: fixture.store, storePath: "").report.render() }
        // Each MC run adds a calibration section: a reliability diagram (one bar per non-empty
        // bin) and a risk–coverage curve (one point per coverage step), counted from the library.
        func calibration(_ id: Int64) throws -> (bins: Int, points: Int) {
            let section = try CalibrationSection.forRun(store: fixture.store, runID: id)
            return (section.bins.filter { $0.count > 0 }.count, section.riskCoverage.count)
        }
        let mcCalibration = try calibration(mc.id), dolaCalibration = try calibration(dola.id)
        let research = HTMLReport(title: "Research sections", sections: [
            CalibrationSection(bins: (0..<10).map { ReliabilityBin(confidence: 0.05 + 0.1 * Double($0), accuracy: 0.1 * Double($0) * 0.8, count: $0 == 9 ? 0 : 10 + $0) },
                               riskCoverage: (1...5).map { ChartPoint(x: 0.2 * Double($0), y: 0.05 * Double($0)) }),
            ProbeSection(series: [ChartSeries(name: "ID", points: (0..<6).map { ChartPoint(x: Double($0), y: 0.55 + 0.05 * Double($0), low: 0.5 + 0.05 * Double($0), high: 0.6 + 0.05 * Double($0)) }),
                                  ChartSeries(name: "OOD", points: (0..<6).map { ChartPoint(x: Double($0), y: 0.5 + 0.02 * Double($0)) })]),
            TradeOffSection(points: [ChartPoint(x: 4e6, y: 0.44, label: "fp16"), ChartPoint(x: 1e6, y: 0.43, label: "kivi-4"),
                                     ChartPoint(x: 5e5, y: 0.40, label: "kivi-2")], costLabel: "KV bytes", metricLabel: "MC2"),
        ]).render()
        return [
            // MC: 3 metrics × (2 types + 2 categories) bars, 6 level charts + 2 calibration charts; one wrong item of three.
            Kind(name: "mc", html: try report([mc.id]), charts: 8, bars: 12 + mcCalibration.bins, points: mcCalibration.points, wrongShown: [1]),
            // Generation with a judge: truthful_informative, truthful, informative × (1 type + 2 categories); verdicts decide "wrong".
            Kind(name: "generation", html: try report([gen.id]), charts: 6, bars: 9, points: 0, wrongShown: [1]),
            // Baseline (12 bars) + DoLa (all three items Adversarial: 3 × (1 type + 2 categories) = 9 bars), 2 × 6 level charts;
            // intervention: 2 forest plots, 3 metric + 2 category marks (drawn as `tk-bar tk-point` circles); 2 × 2 calibration charts.
            Kind(name: "comparison", html: try report([mc.id, dola.id]), charts: 18, bars: 12 + 9 + 5 + mcCalibration.bins + dolaCalibration.bins,
                 points: mcCalibration.points + dolaCalibration.points, wrongShown: [1, 1]),
            // 9 non-empty reliability bins; 5 risk–coverage, 12 AUROC, 3 trade-off points.
            Kind(name: "research", html: research, charts: 4, bars: 9, points: 20, wrongShown: nil),
        ]
    }

    @Test func everyReportKindRendersInChromiumWithoutErrors() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tk-browser-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for kind in try Self.kinds() {
            let file = folder.appendingPathComponent("\(kind.name).html")
            try Data(kind.html.utf8).write(to: file)
            let (dom, log) = try Chromium.run(["--dump-dom"], url: file.absoluteString + (kind.wrongShown == nil ? "" : "#wrong-only"))
            #expect(dom.contains("data-ready=\"1\""), "\(kind.name): the page script did not finish")
            #expect(dom.contains("data-charts=\"\(kind.charts)\""), "\(kind.name): expected \(kind.charts) charts")
            #expect(dom.contains("<div id=\"tk-errors\" hidden=\"\"></div>"), "\(kind.name): the page reported errors")
            #expect(!log.contains("Uncaught") && !log.contains(":CONSOLE("), "\(kind.name): console messages: \(log.split(separator: "\n").filter { $0.contains("CONSOLE") })")
            #expect(occurrences(of: "class=\"tk-bar", in: dom) == kind.bars, "\(kind.name): bars")
            // Point marks only (`tk-point` alone or with a series class), not the scatter's `tk-point-label` texts.
            let points = occurrences(of: "class=\"tk-point\"", in: dom) + occurrences(of: "class=\"tk-point ", in: dom)
            #expect(points == kind.points, "\(kind.name): points")
            if let wrong = kind.wrongShown {
                let shown = try NSRegularExpression(pattern: #"data-shown="(\d+)""#).matches(in: dom, range: NSRange(dom.startIndex..., in: dom))
                    .map { Int(dom[Range($0.range(at: 1), in: dom)!])! }
                #expect(shown == wrong, "\(kind.name): items shown with #wrong-only")
            }
            let png = folder.appendingPathComponent("\(kind.name).png")
            _ = try Chromium.run(["--hide-scrollbars", "--window-size=1000,1200", "--screenshot=\(png.path)"], url: file.absoluteString)
            let image = try Data(contentsOf: png)
            #expect(image.starts(with: [0x89, 0x50, 0x4E, 0x47]), "\(kind.name): no PNG written")
            // A blank 1000×1200 page compresses to a few kilobytes; text and charts take tens.
            #expect(image.count > 15_000, "\(kind.name): screenshot is \(image.count) bytes, the page looks blank")
            // TRUTHKIT_SCREENSHOTS_DIR=docs keeps the fixture screenshots (docs/report-research.png comes from here).
            if let keep = ProcessInfo.processInfo.environment["TRUTHKIT_SCREENSHOTS_DIR"] {
                try? FileManager.default.removeItem(atPath: "\(keep)/report-\(kind.name)-fixture.png")
                try FileManager.default.copyItem(atPath: png.path, toPath: "\(keep)/report-\(kind.name)-fixture.png")
            }
        }
    }
}
