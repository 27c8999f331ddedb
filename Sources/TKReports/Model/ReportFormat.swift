import Foundation

/// How reports write numbers and times, in one place so the HTML, the terminal and the exports agree.
public enum ReportFormat {
    /// A fraction as a percentage with one decimal: 0.2534 → "25.3%".
    public static func percent(_ value: Double) -> String { String(format: "%.1f%%", value * 100) }

    /// A signed difference of fractions in percentage points: 0.012 → "+1.2".
    public static func points(_ value: Double) -> String { String(format: "%+.1f", value * 100) }

    /// A metric value: fractions (0–1 metrics) as percentages, others (BLEU max on 0–100) as plain numbers.
    public static func metric(_ name: String, _ value: Double) -> String {
        isFraction(name) ? percent(value) : String(format: "%.2f", value)
    }

    /// Whether a metric is a 0–1 rate (everything but the similarity max/diff scores on lm-eval's 0–100 scale).
    public static func isFraction(_ name: String) -> Bool { !(name.hasSuffix("_max") || name.hasSuffix("_diff")) }

    /// UTC, to the second: "2026-12-03 15:27:28 UTC".
    public static func timestamp(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss 'UTC'"
        return formatter.string(from: date)
    }
}
