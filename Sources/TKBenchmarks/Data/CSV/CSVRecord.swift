/// One record of a CSV file: its fields, and the physical line it starts on (1-based), so that
/// errors about it can point at the right line even when earlier fields held line breaks.
public struct CSVRecord: Sendable, Equatable {
    public var fields: [String]
    public var line: Int

    public init(fields: [String], line: Int) {
        self.fields = fields
        self.line = line
    }
}
