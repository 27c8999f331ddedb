import Foundation

/// Everything that can go wrong talking to an OpenAI-compatible server.
///
/// Like `ModelError`: a stable `code` to branch on and a `message` for the person at the terminal
/// that names the endpoint, the item and what to do next. The HTTP status and the server's own
/// message are kept apart so callers can test for them without parsing text.
public struct OpenAIError: Error, CustomStringConvertible, Sendable {
    public enum Code: String, Sendable, Equatable {
        /// The server refused the API key (401) or the key lacks access (403).
        case authentication
        /// The server does not serve the requested model (404 naming the model, or absent from `/v1/models`).
        case unknownModel
        /// The server answered without prompt log-probabilities (it ignores `echo`/`logprobs`).
        case noPromptLogprobs
        /// The server answered 2xx with a body that is not the expected JSON, or with numbers
        /// that cannot be right (a missing log-probability inside the continuation).
        case malformedResponse
        /// The server answered with an error status that is not worth retrying (400, 422 …), or
        /// with a transient one (429, 5xx) until retries ran out.
        case httpStatus
        /// The connection could not be made, broke mid-response, or timed out, until retries ran out.
        case connectionFailed
        /// Every endpoint is cooling down after repeated failures and retries ran out.
        case allEndpointsUnavailable
        /// The request cannot be sent as given (an empty continuation, an empty context on a
        /// server that adds no BOS token).
        case invalidRequest
        /// The configuration cannot work (no endpoints, no model name, a URL that is not http(s)).
        case invalidConfiguration
    }

    public var code: Code
    public var message: String
    /// The endpoint (base URL) that gave the answer, when one did.
    public var endpoint: URL?
    /// The HTTP status, when the server answered with one.
    public var status: Int?
    /// The server's own error text (`error.message`, `detail`, or the start of the body).
    public var serverMessage: String?
    /// Which item failed ("request 3, continuation 1"), when the error belongs to one.
    public var item: String?
    /// Requests sent for this item, the first included.
    public var attempts: Int
    /// The lower-level error this one wraps (a connection error, a decoding error).
    public var cause: (any Error)?

    public init(
        _ code: Code, _ message: String, endpoint: URL? = nil, status: Int? = nil, serverMessage: String? = nil,
        item: String? = nil, attempts: Int = 1, cause: (any Error)? = nil
    ) {
        self.code = code
        self.message = message
        self.endpoint = endpoint
        self.status = status
        self.serverMessage = serverMessage
        self.item = item
        self.attempts = attempts
        self.cause = cause
    }

    /// The message, prefixed with the item it concerns.
    public var description: String {
        guard let item else { return message }
        return "\(item): \(message)"
    }

    /// The description with the cause spelled out, for logs and `--verbose` output.
    public var detailedDescription: String {
        guard let cause else { return description }
        return description + "\n  caused by: " + String(describing: cause)
    }

    /// The same error attributed to `item` after `attempts` requests.
    func attributed(to item: String?, attempts: Int) -> OpenAIError {
        var copy = self
        if copy.item == nil { copy.item = item }
        copy.attempts = attempts
        return copy
    }
}
