import Foundation
import Hummingbird
import TKTesting

/// How the test server answers one request. Requests take behaviours from a queue in order;
/// once it is empty every request gets `.serve`.
enum ServerBehavior: Sendable {
    /// The file, honouring `Range: bytes=N-` with 206 (or 416 past the end).
    case serve
    /// The whole file with 200, whatever range was asked for.
    case ignoreRange
    /// This status and a short text body.
    case status(Int)
    /// Announces the full length, sends `bytes` of body, then closes the connection.
    case dropAfter(Int)
    /// The file with one byte flipped in the middle (same length).
    case corrupt
}

/// What the server saw and sent for one request.
struct RecordedRequest: Sendable, Equatable {
    var path: String
    var range: String?
    var authorization: String?
    var status: Int
    /// Body bytes the server sent (for drops, only what went out before the close).
    var bytesSent: Int
}

/// The server's script and log, shared between the handler and the test.
actor ServerScript {
    private var behaviors: [ServerBehavior]
    private(set) var requests: [RecordedRequest] = []

    init(_ behaviors: [ServerBehavior]) {
        self.behaviors = behaviors
    }

    func next() -> ServerBehavior {
        behaviors.isEmpty ? .serve : behaviors.removeFirst()
    }

    func record(_ request: RecordedRequest) {
        requests.append(request)
    }

    func enqueue(_ behavior: ServerBehavior) {
        behaviors.append(behavior)
    }
}

/// A real HTTP/1.1 server (Hummingbird on 127.0.0.1, a free port) serving in-memory files at any
/// path, with byte ranges, and able to fail on command. It runs only inside `run`.
struct TestFileServer: Sendable {
    let baseURL: URL
    let script: ServerScript

    /// The address of `path` on this server (`path` without a leading slash).
    func url(_ path: String) -> URL {
        URL(string: baseURL.absoluteString + "/" + path)!
    }

    /// Starts a server for `files` (request path → bytes), runs `body`, and stops the server.
    static func run<T: Sendable>(
        files: [String: [UInt8]], behaviors: [ServerBehavior] = [],
        _ body: @Sendable (TestFileServer) async throws -> T
    ) async throws -> T {
        let script = ServerScript(behaviors)
        let router = Router()
        router.get("**") { request, _ -> Response in
            try await respond(to: request, files: files, script: script)
        }
        return try await LoopbackHTTPServer.run(router: router, label: "TestFileServer") { baseURL in
            try await body(TestFileServer(baseURL: baseURL, script: script))
        }
    }

    private static func respond(to request: Request, files: [String: [UInt8]], script: ServerScript) async throws -> Response {
        let path = request.uri.path
        let range = request.headers[.range]
        let authorization = request.headers[.authorization]
        let behavior = await script.next()
        func record(_ status: Int, _ sent: Int) async {
            await script.record(RecordedRequest(path: path, range: range, authorization: authorization, status: status, bytesSent: sent))
        }
        guard let file = files[String(path.drop(while: { $0 == "/" }))] else {
            await record(404, 0)
            return Response(status: .notFound, body: ResponseBody(byteBuffer: ByteBuffer(string: "Entry not found")))
        }
        switch behavior {
        case .status(let code):
            await record(code, 0)
            return Response(
                status: HTTPResponse.Status(code: code),
                body: ResponseBody(byteBuffer: ByteBuffer(string: "scripted failure \(code)"))
            )
        case .ignoreRange:
            await record(200, file.count)
            return Response(status: .ok, body: ResponseBody(byteBuffer: ByteBuffer(bytes: file)))
        case .corrupt:
            var bytes = file
            bytes[bytes.count / 2] ^= 0xFF
            await record(200, bytes.count)
            return Response(status: .ok, body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
        case .serve, .dropAfter:
            var start = 0
            if let range, range.hasPrefix("bytes="), range.hasSuffix("-"), let first = Int(range.dropFirst(6).dropLast()) {
                guard first < file.count else {
                    await record(416, 0)
                    return Response(
                        status: .rangeNotSatisfiable, headers: [.contentRange: "bytes */\(file.count)"], body: ResponseBody()
                    )
                }
                start = first
            }
            let slice = Array(file[start...])
            let status: HTTPResponse.Status = start > 0 ? .partialContent : .ok
            var headers: HTTPFields = [:]
            if start > 0 { headers[.contentRange] = "bytes \(start)-\(file.count - 1)/\(file.count)" }
            if case .dropAfter(let count) = behavior {
                let sent = min(count, slice.count)
                await record(status.code, sent)
                let body = ResponseBody(contentLength: slice.count) { writer in
                    try await writer.write(ByteBuffer(bytes: slice[..<sent]))
                    // Let the bytes reach the client before the connection is torn down.
                    try await Task.sleep(for: .milliseconds(200))
                    throw TestServerError.droppedOnPurpose
                }
                return Response(status: status, headers: headers, body: body)
            }
            await record(status.code, slice.count)
            return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: slice)))
        }
    }
}

enum TestServerError: Error {
    case droppedOnPurpose
}
