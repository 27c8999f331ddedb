import Foundation
import Hummingbird
import Logging

/// Runs a Hummingbird router on 127.0.0.1 at a free port for the length of `body`: the one real
/// HTTP server the tests of every module start (downloads, data pulls), so none of them mocks HTTP.
public enum LoopbackHTTPServer {
    public struct DidNotStart: Error, CustomStringConvertible {
        public var description: String { "the test HTTP server did not report a port" }
    }

    /// Starts the server, calls `body` with its base URL (`http://127.0.0.1:PORT`), then stops it.
    public static func run<T: Sendable>(
        router: Router<BasicRequestContext>, label: String,
        _ body: @Sendable (URL) async throws -> T
    ) async throws -> T {
        var logger = Logger(label: label)
        logger.logLevel = .critical
        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
        let app = Application(
            router: router,
            configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in
                portContinuation.yield(channel.localAddress?.port ?? 0)
                portContinuation.finish()
            },
            logger: logger
        )
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try? await app.run() }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next(), port > 0 else {
                group.cancelAll()
                throw DidNotStart()
            }
            do {
                let value = try await body(URL(string: "http://127.0.0.1:\(port)")!)
                group.cancelAll()
                return value
            } catch {
                group.cancelAll()
                throw error
            }
        }
    }
}
