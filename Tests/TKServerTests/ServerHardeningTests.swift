import Foundation
import Hummingbird
import Testing
import TKEngine
@testable import TKServer

/// Typed errors in OpenAI's shape, the key compared as bytes, `/health` that keeps the model
/// path to itself, and the connection limits, each against the real server on 127.0.0.1.
@Suite("Server errors and hardening")
struct ServerHardeningTests {
    /// `{"error": {"message", "type", "param", "code"}}`, all four keys present (null when unset).
    static func expectOpenAIShape(_ reply: ServerHarness.Reply, _ name: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let error = reply.json["error"] as? [String: Any]
        #expect(error.map { Set($0.keys) } == ["message", "type", "param", "code"], "\(name): \(reply.text)", sourceLocation: sourceLocation)
        #expect(reply.contentType == "application/json", "\(name)", sourceLocation: sourceLocation)
        #expect((error?["message"] as? String)?.isEmpty == false, "\(name)", sourceLocation: sourceLocation)
    }

    @Test func eachRefusalHasItsStatusAndCode() async throws {
        let config = ServerConfiguration(apiKey: "k", modelID: "test-model", maxBodyBytes: 4096, maxPromptTokens: 8)
        try await ServerHarness.with(configuration: config) { h in
            let cases: [(String, ServerHarness.Reply, Int, String)] = [
                ("unknown model", try await h.send("/v1/completions", json: ["model": "gpt-4", "prompt": "ab"]), 404, "model_not_found"),
                ("unknown model (chat)", try await h.send("/v1/chat/completions", json: ["model": "gpt-4", "messages": [["role": "user", "content": "x"]]]), 404, "model_not_found"),
                ("unknown route", try await h.send("/v1/embeddings", json: ["input": "ab"]), 404, "unknown_route"),
                ("wrong key", try await h.send("/v1/completions", json: ["prompt": "ab"], key: "nope"), 401, "invalid_api_key"),
                ("prompt over --max-prompt-tokens", try await h.send("/v1/completions", json: ["prompt": String(repeating: "a b ", count: 10), "max_tokens": 0]), 400, "context_length_exceeded"),
                ("body too large", try await h.send("/v1/completions", json: ["prompt": String(repeating: "a", count: 10_000)]), 413, "request_too_large"),
                ("malformed JSON", try await h.send("/v1/completions", raw: Data("{\"prompt\":".utf8)), 400, "invalid_json"),
            ]
            for (name, reply, status, code) in cases {
                #expect(reply.status == status, "\(name): \(reply.status) \(reply.text)")
                #expect(reply.errorCode == code, "\(name): \(reply.text)")
                Self.expectOpenAIShape(reply, name)
            }
            #expect(cases[0].1.errorMessage?.contains("`test-model`") == true, "the 404 names the served model: \(cases[0].1.text)")
            #expect(cases[4].1.errorMessage?.contains("at most 8") == true, "the 400 names the limit: \(cases[4].1.text)")
            // The model the server serves, and a request that names none, are fine.
            #expect(try await h.send("/v1/completions", json: ["model": "test-model", "prompt": "ab", "max_tokens": 1]).status == 200)
            #expect(try await h.send("/v1/completions", json: ["prompt": "ab", "max_tokens": 1]).status == 200)
        }
    }

    /// Past the model's context: 400 with the limit, never the 500 of an engine failure.
    @Test func aContextOverflowIs400WithTheLimit() async throws {
        try await ServerHarness.with { h in
            let reply = try await h.send("/v1/completions", json: ["prompt": String(repeating: "a ", count: 40), "max_tokens": 30])
            #expect(reply.status == 400)
            #expect(reply.errorCode == "context_length_exceeded")
            #expect(reply.errorMessage?.contains("64 tokens") == true, "\(reply.text)")
            Self.expectOpenAIShape(reply, "overflow")
        }
    }

    /// A full queue is 503 with `Retry-After`: one job held on the engine thread by a hook, one
    /// waiting, and the third has no room.
    @Test func aFullQueueIs503WithRetryAfter() async throws {
        let gate = Gate()
        var hooks = Hooks()
        hooks.add(at: .embedding) { _, _ in gate.wait() }
        try await ServerHarness.with(maxActiveSequences: 1, maxQueuedJobs: 1, hooks: hooks) { h in
            async let first = h.send("/v1/completions", json: ["prompt": "ab", "max_tokens": 1])
            while !gate.isHeld { try await Task.sleep(for: .milliseconds(5)) }
            async let second = h.send("/v1/completions", json: ["prompt": "cd", "max_tokens": 1])
            while h.engine.load.queued < 1 { try await Task.sleep(for: .milliseconds(5)) }
            let third = try await h.send("/v1/completions", json: ["prompt": "ef", "max_tokens": 1])
            gate.open()
            #expect(third.status == 503)
            #expect(third.errorCode == "overloaded")
            #expect(third.errorType == "server_error")
            #expect(third.retryAfter == "1")
            Self.expectOpenAIShape(third, "overloaded")
            #expect(try await first.status == 200)
            #expect(try await second.status == 200)
        }
    }

    /// Swift's `==` equates canonically equivalent strings; the key check compares bytes.
    @Test func theKeyIsComparedAsBytes() async throws {
        let config = ServerConfiguration(apiKey: "caf\u{E9}", modelID: "test-model")
        try await ServerHarness.with(configuration: config) { h in
            func status(_ key: String) async throws -> String {
                let connection = try await RawConnection(port: h.port)
                try await connection.send("GET /v1/models HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \(key)\r\nConnection: close\r\n\r\n")
                guard case .data(let text) = try await connection.read(timeout: .seconds(120)) else { return "no answer" }
                return String(text.prefix(12))
            }
            var statuses: [String] = []
            for key in ["caf\u{E9}", "cafe\u{301}", "caf", "caf\u{E9}\u{E9}"] { statuses.append(try await status(key)) }
            #expect(statuses == ["HTTP/1.1 200", "HTTP/1.1 401", "HTTP/1.1 401", "HTTP/1.1 401"])
        }
        #expect(APIKeyMiddleware<BasicRequestContextForTests>.constantTimeEqual([1, 2, 3], [1, 2, 3]))
        #expect(!APIKeyMiddleware<BasicRequestContextForTests>.constantTimeEqual([1, 2, 3], [1, 2]))
        #expect(!APIKeyMiddleware<BasicRequestContextForTests>.constantTimeEqual([], [0]))
    }

    @Test func healthWithoutTheKeyDoesNotNameTheModel() async throws {
        let config = ServerConfiguration(apiKey: "k", modelID: "/home/someone/models/secret.gguf")
        try await ServerHarness.with(configuration: config) { h in
            var anonymous = h
            anonymous.apiKey = nil
            let open = try await anonymous.send("/health", method: "GET")
            #expect(open.status == 200)
            #expect(open.json["status"] as? String == "ok")
            #expect(!open.text.contains("secret"), "\(open.text)")
            let wrong = try await anonymous.send("/health", method: "GET", key: "nope")
            #expect(!wrong.text.contains("secret"), "\(wrong.text)")
            let authorized = try await h.send("/health", method: "GET")
            #expect(authorized.json["model"] as? String == "/home/someone/models/secret.gguf")
        }
    }

    /// A client that never finishes its request head (or never sends one) is disconnected after
    /// the idle timeout instead of holding the connection.
    @Test func anUnfinishedRequestHeadIsCutOffAtTheIdleTimeout() async throws {
        var config = ServerConfiguration(modelID: "test-model")
        config.idleTimeout = .milliseconds(300)
        try await ServerHarness.with(configuration: config) { h in
            let slow = try await RawConnection(port: h.port)
            try await slow.send("GET /health HTTP/1.1\r\nHo")
            let silent = try await RawConnection(port: h.port)
            // Generous guards: the server's close is what ends each read.
            #expect(try await slow.read(timeout: .seconds(120)) == .closed)
            #expect(try await silent.read(timeout: .seconds(120)) == .closed)
            // A request under way is not cut off: the answer arrives whole.
            let ok = try await h.send("/v1/completions", json: ["prompt": "ab", "max_tokens": 4])
            #expect(ok.status == 200)
        }
    }

    /// A body trickled in (which keeps the connection from looking idle) is cut off with 408 at
    /// the body timeout.
    @Test func aTrickledBodyIsRefusedAtTheBodyTimeout() async throws {
        var config = ServerConfiguration(modelID: "test-model")
        config.idleTimeout = nil
        config.bodyTimeout = .milliseconds(300)
        try await ServerHarness.with(configuration: config) { h in
            let slow = try await RawConnection(port: h.port)
            try await slow.send("POST /v1/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"prompt\"")
            guard case .data(let text) = try await slow.read(timeout: .seconds(120)) else { Issue.record("no answer"); return }
            #expect(text.hasPrefix("HTTP/1.1 408"), "\(text)")
            #expect(text.contains("\"code\":\"request_timeout\""), "\(text)")
            // A body sent at once is not affected.
            #expect(try await h.send("/v1/completions", json: ["prompt": "ab", "max_tokens": 1]).status == 200)
        }
    }

    /// With the connection cap reached, a new connection is not served until one closes.
    @Test func theConnectionCapHoldsNewConnectionsBack() async throws {
        var config = ServerConfiguration(modelID: "test-model")
        config.idleTimeout = nil
        config.maxConnections = 2
        try await ServerHarness.with(configuration: config) { h in
            let request = "GET /health HTTP/1.1\r\nHost: x\r\n\r\n"
            var open: [RawConnection] = []
            for _ in 0..<2 {
                let c = try await RawConnection(port: h.port)
                try await c.send(request)
                guard case .data(let text) = try await c.read(timeout: .seconds(120)) else { Issue.record("no answer"); return }
                #expect(text.hasPrefix("HTTP/1.1 200"))
                open.append(c)
            }
            let third = try await RawConnection(port: h.port)
            try await third.send(request)
            // Not answered while the two stay open (a slow machine can only make this pass more easily).
            #expect(try await third.read(timeout: .milliseconds(500)) == .silent)
            open.removeFirst()
            guard case .data(let text) = try await third.read(timeout: .seconds(120)) else { Issue.record("the third was never served"); return }
            #expect(text.hasPrefix("HTTP/1.1 200"))
        }
    }
}

typealias BasicRequestContextForTests = Hummingbird.BasicRequestContext

/// Blocks the engine thread inside a hook until the test opens it.
final class Gate: @unchecked Sendable {
    private let condition = NSCondition()
    private var opened = false
    private var held = false

    func wait() {
        condition.lock()
        held = true
        while !opened { condition.wait() }
        condition.unlock()
    }

    var isHeld: Bool { condition.withLock { held } }

    func open() {
        condition.withLock {
            opened = true
            condition.broadcast()
        }
    }
}
