/// A data file that cannot be read, checked or installed: where, which field, and what to do.
///
/// Every loader, converter and installer in `Data/` throws this one type. `file` names the file
/// (a path, or a URL for downloads), `line` the 1-based physical line on which the offending
/// record starts, and `field` the CSV column or JSON key path (`Type`, `mc1_targets.labels`).
/// Both are nil when the problem belongs to the file as a whole. `message` is written for the
/// person at the terminal: what is wrong, the value found, and the next step. Branch on `code`,
/// never on the text.
public struct DatasetError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of failure this is. A struct over a private enum, as in NIO's
    /// `FileSystemError.Code`, so that new codes do not break callers' switches.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Wrapped: String {
            case fileNotFound, unreadableFile, malformedCSV, malformedJSON, missingField, invalidValue
            case lengthMismatch, noTrueLabel, noFalseLabel, multipleTrueLabels, emptyDataset, unknownDataset
            case checksumMismatch, downloadFailed, fileSystem
        }

        private let wrapped: Wrapped

        private init(_ wrapped: Wrapped) {
            self.wrapped = wrapped
        }

        public var description: String { wrapped.rawValue }

        /// The file (or the data set's file in the data directory) does not exist.
        public static let fileNotFound = Code(.fileNotFound)
        /// The file exists but cannot be read, or is not UTF-8 text.
        public static let unreadableFile = Code(.unreadableFile)
        /// A CSV record breaks RFC 4180 (unterminated quote, text after a closing quote) or has
        /// the wrong number of fields.
        public static let malformedCSV = Code(.malformedCSV)
        /// A line (or a downloaded file) is not valid JSON, or not the JSON shape expected.
        public static let malformedJSON = Code(.malformedJSON)
        /// A required column or key is absent.
        public static let missingField = Code(.missingField)
        /// A field holds a value of the wrong type or outside the allowed set.
        public static let invalidValue = Code(.invalidValue)
        /// `labels` and `choices` differ in length.
        public static let lengthMismatch = Code(.lengthMismatch)
        /// No choice is labelled true (MC1 needs exactly one, MC2 at least one).
        public static let noTrueLabel = Code(.noTrueLabel)
        /// No choice is labelled false: every model would score 1.0 on the item by construction
        /// (an MC1 set with a single option, an MC2 set with only true options).
        public static let noFalseLabel = Code(.noFalseLabel)
        /// MC1 has more than one choice labelled true.
        public static let multipleTrueLabels = Code(.multipleTrueLabels)
        /// The file holds no records at all.
        public static let emptyDataset = Code(.emptyDataset)
        /// No data set matches the language, version or name asked for.
        public static let unknownDataset = Code(.unknownDataset)
        /// A downloaded or imported file does not hash to the pinned SHA-256.
        public static let checksumMismatch = Code(.checksumMismatch)
        /// Every address for a file failed to download.
        public static let downloadFailed = Code(.downloadFailed)
        /// Writing into the data directory failed (permissions, full disk).
        public static let fileSystem = Code(.fileSystem)
    }

    public var code: Code
    /// The file involved: a path, or a URL for downloads.
    public var file: String
    /// The 1-based physical line where the offending record starts; nil for whole-file problems.
    public var line: Int?
    /// The CSV column or JSON key path (`mc2_targets.labels`); nil when no single field is at fault.
    public var field: String?
    /// What went wrong, the value found, and what to do about it.
    public var message: String

    public init(_ code: Code, file: String, line: Int? = nil, field: String? = nil, _ message: String) {
        self.code = code
        self.file = file
        self.line = line
        self.field = field
        self.message = message
    }

    /// `file:line: field 'name': message`, the way compilers point at a place.
    public var description: String {
        var place = file
        if let line { place += ":\(line)" }
        if let field { place += ": field '\(field)'" }
        return place + ": " + message
    }
}
