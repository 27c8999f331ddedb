import Foundation
import Hummingbird

/// Server-sent events as the OpenAI streaming API writes them: `data: {json}\n\n` per chunk and
/// `data: [DONE]\n\n` at the end.
enum ServerSentEvents {
    static func event<T: Encodable>(_ value: T) -> ByteBuffer {
        var data = Data("data: ".utf8)
        data.append(JSONResponse.data(value))
        data.append(contentsOf: Array("\n\n".utf8))
        return ByteBuffer(bytes: data)
    }

    static let done = ByteBuffer(string: "data: [DONE]\n\n")

    static let headers: HTTPFields = [.contentType: "text/event-stream", .cacheControl: "no-cache"]
}
