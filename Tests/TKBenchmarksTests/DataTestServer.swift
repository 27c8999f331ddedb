import Foundation
import Hummingbird
import TKTesting

/// A real HTTP/1.1 server (Hummingbird on 127.0.0.1, a free port) serving in-memory files at
/// their paths, for `data pull` tests. Modelled on TKBackendsTests' `TestFileServer`, cut down to
/// what the data installer needs: files, a corrupted file, and a log of requests.
struct DataTestServer: Sendable {
    /// How the server answers requests for one path.
    enum Behavior: Sendable {
        /// The file, with 200.
        case serve
        /// The file with one byte flipped in the middle (same length).
        case corrupt
    }

    /// What the server saw and answered.
    actor Log {
        private(set) var requests: [(path: String, status: Int)] = []

        func record(_ path: String, _ status: Int) {
            requests.append((path, status))
        }
    }

    let baseURL: URL
    let log: Log

    /// Starts a server for `files` (path without leading slash → bytes), runs `body`, and stops it.
    static func run<T: Sendable>(
        files: [String: [UInt8]], behaviors: [String: Behavior] = [:],
        _ body: @Sendable (DataTestServer) async throws -> T
    ) async throws -> T {
        let log = Log()
        let router = Router()
        router.get("**") { request, _ -> Response in
            let path = String(request.uri.path.drop(while: { $0 == "/" }))
            guard var file = files[path] else {
                await log.record(path, 404)
                return Response(status: .notFound, body: ResponseBody(byteBuffer: ByteBuffer(string: "404: Not Found")))
            }
            if case .corrupt? = behaviors[path] {
                file[file.count / 2] ^= 0xFF
            }
            await log.record(path, 200)
            return Response(status: .ok, body: ResponseBody(byteBuffer: ByteBuffer(bytes: file)))
        }
        return try await LoopbackHTTPServer.run(router: router, label: "DataTestServer") { baseURL in
            try await body(DataTestServer(baseURL: baseURL, log: log))
        }
    }
}
