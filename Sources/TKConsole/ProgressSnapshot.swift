/// The state of one progress display at one moment, and the lines that show it.
///
/// Rendering is a pure function of this value so that layouts can be tested without clocks or
/// terminals; `ProgressBar` only decides when to draw.
public struct ProgressSnapshot: Sendable, Equatable {
    public var label: String
    public var completed: Int64
    /// Nil while the total is unknown (a server that sends no length, a stream of unknown size).
    public var total: Int64?
    public var unit: ProgressUnit
    /// Seconds since counting started.
    public var elapsed: Double
    /// Units per second since counting started, nil until there is something to measure.
    public var rate: Double?

    public init(label: String, completed: Int64, total: Int64?, unit: ProgressUnit, elapsed: Double, rate: Double?) {
        self.label = label
        self.completed = completed
        self.total = total
        self.unit = unit
        self.elapsed = elapsed
        self.rate = rate
    }

    /// Fraction done in 0...1, nil when the total is unknown.
    public var fraction: Double? {
        guard let total, total > 0 else { return total == 0 ? 1 : nil }
        return min(1, max(0, Double(completed) / Double(total)))
    }

    /// Seconds left at the current rate, nil when it cannot be estimated.
    public var secondsRemaining: Double? {
        guard let total, let rate, rate > 0 else { return nil }
        return Double(max(0, total - completed)) / rate
    }

    /// One line for a terminal, at most `width` columns:
    /// `label  [=======>      ]  45.2/98.4 MiB  12.3 MiB/s  ETA 0:04`.
    ///
    /// The bar takes whatever width the text leaves; when less than 10 columns are left it is
    /// dropped so the numbers still fit.
    public func terminalLine(width: Int, finished: Bool = false) -> String {
        let counts = total.map { unit.format(completed, of: $0) } ?? unit.format(completed)
        var tail = [counts]
        if let rate { tail.append(unit.formatRate(rate)) }
        if finished {
            tail.append("in " + Self.clock(elapsed))
        } else if let remaining = secondsRemaining {
            tail.append("ETA " + Self.clock(remaining))
        }
        let tailText = tail.joined(separator: "  ")
        var percent = ""
        if let fraction { percent = String(Int((fraction * 100).rounded(.down))) + "%" }
        // 2 spaces after the label, 2 around the bar, the brackets.
        let fixed = label.count + 2 + tailText.count + 2 + (percent.isEmpty ? 0 : percent.count + 1)
        let barWidth = width - fixed - 2
        var parts = [label]
        if let fraction, barWidth >= 10 {
            parts.append("[" + Self.bar(fraction: fraction, width: barWidth) + "] " + percent)
        } else if !percent.isEmpty {
            parts.append(percent)
        }
        parts.append(tailText)
        let line = parts.joined(separator: "  ")
        return line.count > width ? String(line.prefix(width)) : line
    }

    /// One self-contained line for a log: `label: 45.2/98.4 MiB (45%), 12.3 MiB/s, ETA 0:04`.
    public func plainLine() -> String {
        var text = label + ": " + (total.map { unit.format(completed, of: $0) } ?? unit.format(completed))
        if let fraction { text += " (\(Int((fraction * 100).rounded(.down)))%)" }
        if let rate { text += ", " + unit.formatRate(rate) }
        if let remaining = secondsRemaining { text += ", ETA " + Self.clock(remaining) }
        return text
    }

    /// The closing line: `label: done, 98.4 MiB in 0:08 (12.1 MiB/s)`.
    public func summaryLine(_ outcome: String = "done") -> String {
        var text = "\(label): \(outcome), \(unit.format(completed)) in \(Self.clock(elapsed))"
        if let rate { text += " (\(unit.formatRate(rate)))" }
        return text
    }

    private static func bar(fraction: Double, width: Int) -> String {
        let filled = Int((fraction * Double(width)).rounded(.down))
        if filled >= width { return String(repeating: "=", count: width) }
        return String(repeating: "=", count: filled) + ">" + String(repeating: " ", count: width - filled - 1)
    }

    /// `m:ss` below an hour, `h:mm:ss` above; a clock reads faster than `1h 2m 3s`.
    static func clock(_ seconds: Double) -> String {
        guard seconds.isFinite else { return "--:--" }
        let whole = Int(seconds.rounded())
        let (hours, minutes, secs) = (whole / 3600, (whole % 3600) / 60, whole % 60)
        let twoDigits = { (value: Int) in value < 10 ? "0\(value)" : "\(value)" }
        if hours > 0 { return "\(hours):\(twoDigits(minutes)):\(twoDigits(secs))" }
        return "\(minutes):\(twoDigits(secs))"
    }
}
