/// A plain-text table with aligned columns, for terminal listings (`truthkit models list`,
/// metric summaries).
///
/// Widths are counted in characters (grapheme clusters), which lines up ASCII and most accented
/// text; East Asian wide characters take two columns on a terminal and will push their row out.
public struct TextTable: Sendable, Equatable {
    /// Which side of its column a cell sits on. Numbers read best on the right.
    public enum Alignment: Sendable, Equatable {
        case left
        case right
    }

    /// A column's heading and alignment.
    public struct Column: Sendable, Equatable {
        public var title: String
        public var alignment: Alignment

        public init(_ title: String, alignment: Alignment = .left) {
            self.title = title
            self.alignment = alignment
        }
    }

    public var columns: [Column]
    public private(set) var rows: [[String]] = []

    public init(columns: [Column]) {
        self.columns = columns
    }

    /// A table whose columns are all left-aligned.
    public init(_ titles: String...) {
        self.columns = titles.map { Column($0) }
    }

    /// Appends a row. Missing cells are left empty; cells beyond the last column are dropped,
    /// since a table with ragged rows would be a caller's mistake that should not garble output.
    public mutating func addRow(_ cells: [String]) {
        var row = Array(cells.prefix(columns.count))
        while row.count < columns.count { row.append("") }
        rows.append(row)
    }

    /// Appends a row.
    public mutating func addRow(_ cells: String...) {
        addRow(cells)
    }

    /// The table as lines joined by newlines, with a ruled header and no trailing spaces.
    ///
    /// - Parameter separator: What goes between two columns.
    public func render(separator: String = "  ") -> String {
        var widths = columns.map { $0.title.count }
        for row in rows {
            for (index, cell) in row.enumerated() {
                widths[index] = max(widths[index], cell.count)
            }
        }
        func line(_ cells: [String]) -> String {
            var parts: [String] = []
            for (index, cell) in cells.enumerated() {
                let padding = String(repeating: " ", count: widths[index] - cell.count)
                parts.append(columns[index].alignment == .left ? cell + padding : padding + cell)
            }
            var text = parts.joined(separator: separator)
            while text.last == " " { text.removeLast() }
            return text
        }
        var lines = [line(columns.map(\.title))]
        lines.append(widths.map { String(repeating: "-", count: $0) }.joined(separator: separator))
        lines.append(contentsOf: rows.map(line))
        return lines.joined(separator: "\n")
    }
}
