/// One section of an HTML report: an anchor, a heading and its body.
///
/// The report lists only the sections whose data a run has; a feature with new data (calibration
/// bins, probe AUROC per layer, an efficiency sweep) adds a section by conforming to this and
/// building its charts from plain arrays (`ReliabilityDiagram`, `LineChart`, `ScatterChart`,
/// `IntervalBarChart`), with no change to the page around it.
public protocol ReportSection: Sendable {
    /// The anchor id (letters, digits and `-`), unique in the report.
    var id: String { get }
    var title: String { get }
    /// The body HTML: escaped text and inline SVG only, never a URL to fetch.
    func html() -> String
}

/// Free-form text sections a caller adds (a note about the data, a method's description).
public struct NoteSection: ReportSection {
    public var id: String
    public var title: String
    public var paragraphs: [String]

    public init(id: String, title: String, paragraphs: [String]) {
        self.id = id
        self.title = title
        self.paragraphs = paragraphs
    }

    public func html() -> String { paragraphs.map { "<p>\(HTML.escape($0))</p>" }.joined() }
}
