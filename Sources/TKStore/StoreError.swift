import Foundation

/// Everything that can go wrong while opening or using the run store.
///
/// Modelled on NIO's `FileSystemError` (as `ModelError` is): a stable `code` to branch on, a
/// `message` for the person at the terminal that names the database file or run and says what to
/// do next, and the underlying SQLite error as `cause`.
public struct StoreError: Error, CustomStringConvertible, Sendable {
    /// What kind of failure it is, for callers that branch on it.
    public enum Code: String, Sendable, Equatable {
        /// The file exists but is not a readable SQLite database (or is damaged).
        case corruptDatabase
        /// The database was written by a newer TruthKit with a schema this build does not know.
        case newerDatabase
        /// The file or its folder cannot be created, opened or written.
        case cannotOpen
        /// Another process held the database locked for longer than the busy timeout.
        case busy
        /// No run has the given id.
        case runNotFound
        /// An item index outside `0..<itemCount`.
        case itemOutOfRange
        /// An item was recorded before with a different payload.
        case conflictingResult
        /// A run with the same key exists but disagrees on something the key should have fixed.
        case keyConflict
        /// A run cannot be finished before every item is recorded.
        case incompleteRun
        /// A payload or summary is not UTF-8 JSON.
        case invalidJSON
        /// Any other SQLite failure.
        case database
    }

    public var code: Code
    /// What failed, naming the file or run, and what to do next.
    public var message: String
    /// The database file involved.
    public var path: String?
    /// The lower-level error this one wraps, when there is one.
    public var cause: (any Error)?

    public init(_ code: Code, _ message: String, path: String? = nil, cause: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.path = path
        self.cause = cause
    }

    public var description: String { message }

    /// The error with its cause spelled out, for logs and `--verbose` output.
    public var detailedDescription: String {
        guard let cause else { return message }
        return message + "\n  caused by: " + String(describing: cause)
    }
}
