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

    static func with<T: Sendable>(
        modelPath: String = tinyModelPath, configuration: ServerConfiguration = ServerConfiguration(modelID: "test-model"),
        maxActiveSequences: Int = 4, maxQueuedJobs: Int = 256,
        decoding: (@Sendable (TransformerModel) throws -> EngineService.DecodingRule?) = { _ in nil },
        _ body: @Sendable (ServerHarness) async throws -> T
    ) async throws -> T {
        let model = try TransformerModel(path: modelPath)
        let engine = EngineService(model: model, threads: 2, maxActiveSequences: maxActiveSequences, maxQueuedJobs: maxQueuedJobs,
                                   decoding: try decoding(model))
        let server = OpenAIServer(engine: engine, configuration: configuration)
        do {
            let value = try await LoopbackHTTPServer.run(router: server.makeRouter(), label: "TKServerTests") { url in
                try await body(ServerHarness(baseURL: url, model: model, engine: engine, apiKey: configuration.apiKey))
            }
            await engine.shutdown()
            return value
        } catch {
            await engine.shutdown()
            throw error
        }
    }

    struct Reply: Sendable {
        var status: Int
        var body: Data
        var contentType: String?

        var json: [String: Any] { ((try? JSONSerialization.jsonObject(with: body)) as? [String: Any]) ?? [:] }
        var text: String { String(decoding: body, as: UTF8.self) }
        var errorMessage: String? { (json["error"] as? [String: Any])?["message"] as? String }
        var errorType: String? { (json["error"] as? [String: Any])?["type"] as? String }
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
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(120))
        let buffer = try await response.body.collect(upTo: 64 << 20)
        return Reply(status: Int(response.status.code), body: Data(buffer.readableBytesView),
                     contentType: response.headers.first(name: "Content-Type"))
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
