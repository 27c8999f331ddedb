import Foundation
import Testing
@testable import TKReports
import TKCalibration

/// The chart builders take plain arrays; these fixtures stand in for the data other features
/// (calibration runs, probes, efficiency sweeps) will pass.
@Suite struct ChartTests {
    @Test func intervalBarsDrawOneBarAndOneWhiskerPerGroup() {
        let svg = IntervalBarChart(title: "MC1 by category", bars: [
            IntervalBar(label: "Law", value: 0.5, lower: 0.3, upper: 0.7, count: 10),
            IntervalBar(label: "Health & <Safety>", value: 0.25, lower: 0.1, upper: 0.4, count: 8),
            IntervalBar(label: "Fiction", value: 0, lower: 0, upper: 0, count: 2),
        ]).svg()
        #expect(occurrences(of: "class=\"tk-bar\"", in: svg) == 3)
        #expect(occurrences(of: "class=\"tk-interval\"", in: svg) == 3)
        #expect(svg.contains("data-count=\"3\"") && svg.contains("Health &amp; &lt;Safety&gt;") && !svg.contains("<Safety>"))
        // 0.5 on a 0–1 axis spanning x 230…650 → width 210.
        #expect(svg.contains("width=\"210.00\""))
    }

    @Test func differenceChartColoursIntervalsThatExcludeZero() {
        let svg = IntervalBarChart(title: "Δ", bars: [
            IntervalBar(label: "up", value: 0.1, lower: 0.02, upper: 0.2, count: 50),
            IntervalBar(label: "unclear", value: 0.05, lower: -0.05, upper: 0.15, count: 50),
            IntervalBar(label: "down", value: -0.1, lower: -0.2, upper: -0.01, count: 50),
        ], style: .difference).svg()
        #expect(occurrences(of: "tk-bar tk-point", in: svg) == 3)
        #expect(occurrences(of: "tk-up", in: svg) == 1 && occurrences(of: "tk-down", in: svg) == 1)
        #expect(svg.contains("data-chart=\"differences\"") && svg.contains("class=\"tk-zero\""))
    }

    @Test func reliabilityDiagramSkipsEmptyBinsAndECEIsHandWorked() {
        let bins = [ReliabilityBin(confidence: 0.15, accuracy: 0.2, count: 10), ReliabilityBin(confidence: 0.5, accuracy: 0, count: 0),
                    ReliabilityBin(confidence: 0.85, accuracy: 0.6, count: 30)]
        let svg = ReliabilityDiagram(bins: bins).svg()
        #expect(occurrences(of: "class=\"tk-bar\"", in: svg) == 2 && svg.contains("class=\"tk-diagonal\""))
        // ECE = 10/40·|0.2−0.15| + 30/40·|0.6−0.85| = 0.0125 + 0.1875 = 0.2.
        #expect(abs(CalibrationSection(bins: bins).expectedCalibrationError - 0.2) < 1e-12)
    }

    @Test func lineAndScatterChartsDrawAPointPerValue() {
        let ood = ChartSeries(name: "OOD", points: (0..<4).map { ChartPoint(x: Double($0), y: 0.5 + 0.05 * Double($0)) })
        let id = ChartSeries(name: "in-distribution", points: (0..<4).map { ChartPoint(x: Double($0), y: 0.6 + 0.1 * Double($0)) })
        let auroc = LineChart.aurocByLayer([id, ood]).svg()
        #expect(occurrences(of: "<circle class=\"tk-point", in: auroc) == 8 && occurrences(of: "<polyline", in: auroc) == 2)
        #expect(auroc.contains("class=\"tk-reference\"") && auroc.contains("data-count=\"8\""))
        let risk = LineChart.riskCoverage([ChartPoint(x: 0.2, y: 0.05), ChartPoint(x: 0.6, y: 0.2), ChartPoint(x: 1, y: 0.4)]).svg()
        #expect(risk.contains("data-chart=\"risk-coverage\"") && occurrences(of: "<circle class=\"tk-point", in: risk) == 3)
        let scatter = ScatterChart(title: "MC2 vs KV bytes", points: [ChartPoint(x: 1e6, y: 0.4, label: "fp16"), ChartPoint(x: 2.5e5, y: 0.38, label: "kivi-2")],
                                   xLabel: "KV bytes", yLabel: "MC2").svg()
        #expect(occurrences(of: "<circle class=\"tk-point\"", in: scatter) == 2 && scatter.contains(">kivi-2</text>"))
    }

    @Test func nonFinitePointsAreLeftOutNotDrawnAtNaN() {
        let svg = ScatterChart(title: "t", points: [ChartPoint(x: .nan, y: 1), ChartPoint(x: 1, y: 0.5)], xLabel: "x", yLabel: "y").svg()
        #expect(occurrences(of: "<circle", in: svg) == 1 && !svg.contains("nan"))
    }
}
