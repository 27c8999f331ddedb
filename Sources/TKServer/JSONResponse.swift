import Foundation
import Hummingbird

/// Encodes response bodies the same way everywhere: compact JSON, slashes unescaped,
/// `Content-Type: application/json`.
enum JSONResponse {
    static func encoder() -> JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.withoutEscapingSlashes]
        return e
    }

    static func data<T: Encodable>(_ value: T) -> Data {
        // Our response types contain only strings, numbers, optionals and arrays: encoding cannot fail.
        (try? encoder().encode(value)) ?? Data("{}".utf8)
    }

    static func make<T: Encodable>(status: HTTPResponse.Status = .ok, _ value: T) -> Response {
        Response(status: status, headers: [.contentType: "application/json"],
                 body: ResponseBody(byteBuffer: ByteBuffer(bytes: data(value))))
    }
}
