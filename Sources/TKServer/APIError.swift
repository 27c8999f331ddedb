import Foundation
import Hummingbird

/// An error returned to the client as an OpenAI-style body:
/// `{"error": {"message", "type", "param", "code"}}` with the HTTP status it carries.
///
/// Every refusal the server makes (bad JSON, a wrong type, a prompt too long, a full queue, a
/// missing key) is one of these, so clients written for the OpenAI API show the message as is.
public struct APIError: Error, HTTPResponseError, CustomStringConvertible, Sendable {
    public var status: HTTPResponse.Status
    public var message: String
    public var type: String
    public var param: String?
    public var code: String?

    public init(status: HTTPResponse.Status, message: String, type: String = "invalid_request_error",
                param: String? = nil, code: String? = nil) {
        self.status = status
        self.message = message
        self.type = type
        self.param = param
        self.code = code
    }

    public var description: String { "\(status.code) \(type): \(message)" }

    /// 400: the request is malformed or asks for something out of range.
    public static func invalid(_ message: String, param: String? = nil, code: String? = nil) -> APIError {
        APIError(status: .badRequest, message: message, param: param, code: code)
    }

    /// 401: the API key is missing or wrong.
    static let unauthorized = APIError(
        status: .unauthorized,
        message: "Incorrect or missing API key. Send it as `Authorization: Bearer KEY` (the key given to `truthkit serve --api-key`).",
        type: "invalid_request_error", code: "invalid_api_key")

    /// 413: the body is larger than the server accepts.
    static func bodyTooLarge(limit: Int) -> APIError {
        APIError(status: .contentTooLarge,
                 message: "The request body is larger than \(limit) bytes; send a smaller request (or start the server with a larger --max-body-bytes).",
                 code: "request_too_large")
    }

    /// 503: the waiting queue is full; the client should retry later.
    static func overloaded(queued: Int) -> APIError {
        APIError(status: .serviceUnavailable,
                 message: "The server is busy: \(queued) requests are already waiting. Retry shortly.",
                 type: "server_error", code: "overloaded")
    }

    static func internalError(_ message: String) -> APIError {
        APIError(status: .internalServerError, message: message, type: "server_error")
    }

    struct Body: Encodable {
        struct Detail: Encodable {
            var message: String
            var type: String
            var param: String?
            var code: String?

            // Always write `param` and `code`, as null when absent, like the OpenAI API.
            func encode(to encoder: any Encoder) throws {
                var c = encoder.container(keyedBy: CodingKeys.self)
                try c.encode(message, forKey: .message)
                try c.encode(type, forKey: .type)
                try c.encode(param, forKey: .param)
                try c.encode(code, forKey: .code)
            }

            enum CodingKeys: String, CodingKey { case message, type, param, code }
        }

        var error: Detail
    }

    var body: Body { Body(error: .init(message: message, type: type, param: param, code: code)) }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        JSONResponse.make(status: status, body)
    }
}
