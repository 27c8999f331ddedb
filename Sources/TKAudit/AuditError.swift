/// Why an audit could not run, with what to do about it.
public struct AuditError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of failure this is (a struct over a private enum, so codes can be added later).
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Wrapped: String { case missingResource, invalidData, tooFewItems, invalidParameter }
        private let wrapped: Wrapped
        private init(_ wrapped: Wrapped) { self.wrapped = wrapped }
        /// A file the audit reads (WordNet, a paraphrase or holdout file) is missing or unreadable.
        public static let missingResource = Code(.missingResource)
        /// A data file is malformed.
        public static let invalidData = Code(.invalidData)
        /// Too few eligible items for the statistic.
        public static let tooFewItems = Code(.tooFewItems)
        /// A setting is out of range.
        public static let invalidParameter = Code(.invalidParameter)
        public var description: String { wrapped.rawValue }
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
