import Foundation
import TKConsole
import TKMetrics

/// What `eval --intervention` prints and writes as `comparison.json`: baseline and intervened
/// metrics on the same (held-out) items, the paired differences with bootstrap intervals, and —
/// from the native engine — how invasive the method is (KL divergence to the baseline on neutral
/// text) and what it costs in generation speed.
public struct ComparisonReport: Encodable, Sendable {
    public struct Side: Encodable, Sendable {
        public var fingerprint: String
        public var runIds: [Int64]
        public var metrics: [String: MetricEstimate]
    }

    /// Generation speed without and with the method.
    public struct Overhead: Encodable, Sendable, Equatable {
        public var baseTokensPerSecond: Double
        public var intervenedTokensPerSecond: Double
        /// Intervened time per token over base time per token (1 = free, 2 = twice as slow).
        public var slowdown: Double

        public init(baseTokensPerSecond: Double, intervenedTokensPerSecond: Double) {
            self.baseTokensPerSecond = baseTokensPerSecond
            self.intervenedTokensPerSecond = intervenedTokensPerSecond
            slowdown = baseTokensPerSecond / intervenedTokensPerSecond
        }
    }

    public var schemaVersion = EvaluationReport.schemaVersion
    public var task: String
    /// The metrics compared, in report order.
    public var compared: [String]
    public var intervention: String
    public var heldOut: Bool
    public var folds: Int
    public var items: Int
    public var baseline: Side
    public var intervened: Side
    public var difference: [String: PairedDifference]
    public var klNeutralText: Double?
    public var overhead: Overhead?
    public var seconds: Double

    public init<T>(outcome: FoldedComparison<T>.Outcome, task: String, intervention: String, heldOut: Bool,
                   klNeutralText: Double?, overhead: Overhead?, seconds: Double) {
        self.task = task
        compared = outcome.compared
        self.intervention = intervention
        self.heldOut = heldOut
        folds = outcome.folds
        items = outcome.items
        baseline = Side(fingerprint: outcome.baseline.fingerprint, runIds: outcome.baseline.runIDs, metrics: outcome.baseline.summary.metrics)
        intervened = Side(fingerprint: outcome.intervened.fingerprint, runIds: outcome.intervened.runIDs,
                          metrics: outcome.intervened.summary.metrics)
        difference = outcome.difference
        self.klNeutralText = klNeutralText
        self.overhead = overhead
        self.seconds = seconds
    }

    public func table() -> String {
        var t = TextTable(columns: [.init("metric"), .init("baseline", alignment: .right), .init("intervened", alignment: .right),
                                    .init("difference [95% CI]", alignment: .right)])
        for m in compared {
            guard let b = baseline.metrics[m], let i = intervened.metrics[m], let d = difference[m] else { continue }
            t.addRow([EvaluationReport.label(m), String(format: "%.1f%%", b.mean * 100), String(format: "%.1f%%", i.mean * 100),
                      String(format: "%+.1f [%+.1f, %+.1f]", d.meanDifference * 100, d.lower * 100, d.upper * 100)
                        + (d.count < items ? " (\(d.count) items)" : "")])
        }
        var lines = [t.render(),
                     "\(intervention) on \(items) \(heldOut ? "held-out " : "")items"
                        + (heldOut ? " (\(folds) folds, each scored by the fit that never saw it)" : "")]
        if let klNeutralText {
            lines.append("KL(intervened ‖ baseline) on neutral text: \(String(format: "%.4f", klNeutralText)) nats/token")
        }
        var last = ""
        if let overhead {
            last = "generation: \(String(format: "%.1f", overhead.baseTokensPerSecond)) → \(String(format: "%.1f", overhead.intervenedTokensPerSecond)) tokens/s (\(String(format: "%.2f", overhead.slowdown))× slower); "
        }
        lines.append(last + "\(String(format: "%.0f", seconds)) s in all")
        return lines.joined(separator: "\n")
    }
}

/// One line of a comparison's `items.jsonl`: the same item on both sides.
public struct ComparedItem<R: Encodable>: Encodable {
    public var baseline: R
    public var intervened: R

    public init(baseline: R, intervened: R) {
        self.baseline = baseline
        self.intervened = intervened
    }
}
