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
    /// Seconds a client should wait before retrying (`Retry-After`), for 429 and 503.
    public var retryAfterSeconds: Int?

    public init(status: HTTPResponse.Status, message: String, type: String = "invalid_request_error",
                param: String? = nil, code: String? = nil, retryAfterSeconds: Int? = nil) {
        self.status = status
        self.message = message
        self.type = type
        self.param = param
        self.code = code
        self.retryAfterSeconds = retryAfterSeconds
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

    /// 503: the waiting queue is full; the client should retry later (`Retry-After: 1`).
    static func overloaded(queued: Int) -> APIError {
        APIError(status: .serviceUnavailable,
                 message: "The server is busy: \(queued) requests are already waiting. Retry shortly (or start the server with a larger --max-queue).",
                 type: "server_error", code: "overloaded", retryAfterSeconds: 1)
    }

    /// 404: the request names a model this server does not serve.
    static func unknownModel(_ requested: String, served: String) -> APIError {
        APIError(status: .notFound,
                 message: "The model `\(requested)` does not exist on this server; it serves `\(served)` (GET /v1/models lists it). Send that as `model`.",
                 param: "model", code: "model_not_found")
    }

    /// 500: a bug in the server, never the request's fault.
    static func internalError(_ message: String) -> APIError {
        APIError(status: .internalServerError, message: message, type: "server_error", code: "internal_error")
    }

    /// The OpenAI-shaped error for one of Hummingbird's own (no route, a body over the limit …).
    static func from(_ error: any HTTPResponseError, method: HTTPRequest.Method, path: String, maxBodyBytes: Int) -> APIError {
        switch error.status {
        case .notFound, .methodNotAllowed:
            return APIError(status: error.status,
                            message: "There is no route \(method) \(path). This server answers GET /health, GET /v1/models, POST /v1/completions, "
                                + "POST /v1/chat/completions, POST /tokenize, POST /detokenize and GET /tokenizer_info.",
                            code: "unknown_route")
        case .contentTooLarge:
            return bodyTooLarge(limit: maxBodyBytes)
        default:
            let type = error.status.code >= 500 ? "server_error" : "invalid_request_error"
            return APIError(status: error.status, message: "\(error.status.code) \(error.status.reasonPhrase): \(error)", type: type)
        }
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
        var response = JSONResponse.make(status: status, body)
        if let retryAfterSeconds { response.headers[.retryAfter] = String(retryAfterSeconds) }
        return response
    }
}
