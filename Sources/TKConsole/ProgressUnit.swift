/// What a progress count measures, and so how counts and rates are written.
///
/// Downloads count bytes (shown with binary prefixes, `45.2 MiB`); evaluation runs count items
/// (`45 items`, and `12.3 s/item` once an item takes longer than a second, where `0.1 items/s`
/// would be hard to read).
public struct ProgressUnit: Sendable, Equatable {
    private enum Kind: Sendable, Equatable {
        case bytes
        case items(singular: String, plural: String)
    }

    private let kind: Kind

    /// Byte counts: `512 B`, `1.5 KiB`, `98.4 MiB`, `7.1 GiB`.
    public static let bytes = ProgressUnit(kind: .bytes)

    /// Items of work such as benchmark questions: `45 items`.
    public static let items = ProgressUnit(kind: .items(singular: "item", plural: "items"))

    /// Items with a name of their own, e.g. `.items(named: "request", plural: "requests")`.
    public static func items(named singular: String, plural: String? = nil) -> ProgressUnit {
        ProgressUnit(kind: .items(singular: singular, plural: plural ?? singular + "s"))
    }

    /// `count` in this unit, e.g. `98.4 MiB` or `817 items`.
    public func format(_ count: Int64) -> String {
        switch kind {
        case .bytes:
            return Self.formatBytes(Double(count))
        case .items(_, let plural):
            return "\(count) \(plural)"
        }
    }

    /// `completed/total` with the unit written once, e.g. `45.2/98.4 MiB` or `45/817 items`.
    public func format(_ completed: Int64, of total: Int64) -> String {
        switch kind {
        case .bytes:
            // Use the total's prefix for both numbers so the pair reads as one quantity.
            let (scale, suffix) = Self.byteScale(Double(total))
            if scale == 1 { return "\(completed)/\(total) B" }
            return "\(Self.decimal(Double(completed) / scale))/\(Self.decimal(Double(total) / scale)) \(suffix)"
        case .items(_, let plural):
            return "\(completed)/\(total) \(plural)"
        }
    }

    /// A rate given in units per second, e.g. `12.3 MiB/s`, `4.2 items/s` or `12.3 s/item`.
    public func formatRate(_ perSecond: Double) -> String {
        switch kind {
        case .bytes:
            return Self.formatBytes(perSecond) + "/s"
        case .items(let singular, let plural):
            if perSecond > 0 && perSecond < 1 {
                return "\(Self.decimal(1 / perSecond)) s/\(singular)"
            }
            return "\(Self.decimal(perSecond)) \(plural)/s"
        }
    }

    private static func formatBytes(_ value: Double) -> String {
        let (scale, suffix) = byteScale(value)
        if scale == 1 { return "\(Int(value.rounded())) B" }
        return "\(decimal(value / scale)) \(suffix)"
    }

    private static func byteScale(_ value: Double) -> (Double, String) {
        let steps: [(Double, String)] = [(1_099_511_627_776, "TiB"), (1_073_741_824, "GiB"), (1_048_576, "MiB"), (1024, "KiB")]
        for (scale, suffix) in steps where value >= scale {
            return (scale, suffix)
        }
        return (1, "B")
    }

    /// One decimal place below 100, none above: `3.5`, `98.4`, `512`.
    private static func decimal(_ value: Double) -> String {
        if value >= 100 { return String(Int(value.rounded())) }
        let tenths = Int((value * 10).rounded())
        return "\(tenths / 10).\(tenths % 10)"
    }
}
