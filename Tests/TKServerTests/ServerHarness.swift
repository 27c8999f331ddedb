import AsyncHTTPClient
import Foundation
import Hummingbird
import TKEngine
import TKServer
import TKTesting

/// Starts `OpenAIServer` on 127.0.0.1 at a free port around a test body, with a small client.
struct ServerHarness {
    let baseURL: URL
    let model: TransformerModel
    let engine: EngineService
    var apiKey: String?

    /// The tiny random model, written once per process.
    static let tinyModelPath: String = {
        var config = TinyModel.Config()
        config.contextLength = 64
        // Writing to a temporary file cannot fail on a working machine; a failure shows in every test.
        return (try? TinyModel(config: config, seed: 7).writeToTemporaryFile()) ?? "/nonexistent-tiny-model.gguf"
    }()

    /// The server as `truthkit serve` runs it (`OpenAIServer.makeApplication`: its idle timeout and
    /// connection cap included) on 127.0.0.1, bound to a port of its own for the whole of `body`.
    static func with<T: Sendable>(
        modelPath: String = tinyModelPath, configuration: ServerConfiguration = ServerConfiguration(modelID: "test-model"),
        maxActiveSequences: Int = 4, maxQueuedJobs: Int = 256, hooks: Hooks = Hooks(),
        decoding: (@Sendable (TransformerModel) throws -> EngineService.DecodingRule?) = { _ in nil },
        _ body: @Sendable (ServerHarness) async throws -> T
    ) async throws -> T {
        let model = try TransformerModel(path: modelPath)
        let engine = EngineService(model: model, threads: 2, maxActiveSequences: maxActiveSequences, maxQueuedJobs: maxQueuedJobs, hooks: hooks,
                                   decoding: try decoding(model))
        var configuration = configuration
        configuration.host = "127.0.0.1"
        configuration.port = 0
        let server = OpenAIServer(engine: engine, configuration: configuration)
        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
        let app = server.makeApplication { port in
            portContinuation.yield(port)
            portContinuation.finish()
        }
        let apiKey = configuration.apiKey
        do {
            let value = try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try? await app.run() }
                defer { group.cancelAll() }
                var iterator = ports.makeAsyncIterator()
                guard let port = await iterator.next(), port > 0 else { throw DidNotStart() }
                return try await body(ServerHarness(baseURL: URL(string: "http://127.0.0.1:\(port)")!, model: model, engine: engine, apiKey: apiKey))
            }
            await engine.shutdown()
            return value
        } catch {
            await engine.shutdown()
            throw error
        }
    }

    struct DidNotStart: Error, CustomStringConvertible {
        var description: String { "the test server did not report a port" }
    }

    /// The port the server listens on.
    var port: Int { baseURL.port ?? 0 }

    struct Reply: Sendable {
        var status: Int
        var body: Data
        var contentType: String?

        var json: [String: Any] { ((try? JSONSerialization.jsonObject(with: body)) as? [String: Any]) ?? [:] }
        var text: String { String(decoding: body, as: UTF8.self) }
        var errorMessage: String? { (json["error"] as? [String: Any])?["message"] as? String }
        var errorType: String? { (json["error"] as? [String: Any])?["type"] as? String }
        var errorCode: String? { (json["error"] as? [String: Any])?["code"] as? String }
        var retryAfter: String?
    }

    func send(_ path: String, method: String = "POST", json: Any? = nil, raw: Data? = nil, key: String? = nil) async throws -> Reply {
        var request = HTTPClientRequest(url: baseURL.absoluteString + path)
        request.method = .RAW(value: method)
        request.headers.add(name: "Content-Type", value: "application/json")
        if let key = key ?? apiKey { request.headers.add(name: "Authorization", value: "Bearer \(key)") }
        if let json {
            request.body = .bytes(ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: json)))
        } else if let raw {
            request.body = .bytes(ByteBuffer(bytes: raw))
        }
        // No budget shorter than the work: a real-model request on a loaded machine can take minutes.
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(900))
        let buffer = try await response.body.collect(upTo: 64 << 20)
        return Reply(status: Int(response.status.code), body: Data(buffer.readableBytesView),
                     contentType: response.headers.first(name: "Content-Type"), retryAfter: response.headers.first(name: "Retry-After"))
    }

    /// The events of a server-sent-event stream, `[DONE]` excluded (and whether it came last).
    static func events(_ reply: Reply) -> (events: [[String: Any]], done: Bool) {
        var events: [[String: Any]] = []
        var done = false
        for block in reply.text.components(separatedBy: "\n\n") where block.hasPrefix("data: ") {
            let payload = block.dropFirst(6)
            if payload == "[DONE]" { done = true; continue }
            if let o = (try? JSONSerialization.jsonObject(with: Data(payload.utf8))) as? [String: Any] { events.append(o) }
        }
        return (events, done && reply.text.hasSuffix("data: [DONE]\n\n"))
    }
}

extension Dictionary where Key == String, Value == Any {
    var choices: [[String: Any]] { self["choices"] as? [[String: Any]] ?? [] }
}

// Log-probabilities are compared as float32, the engine's precision: Foundation's
// JSONSerialization can round the last digit of a double it parses, while the float32 value the
// server wrote survives any correct-to-float parse.
