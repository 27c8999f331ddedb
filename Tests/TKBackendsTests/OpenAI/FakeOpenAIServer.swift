import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Hummingbird
import TKTesting

/// How the fake server answers one request to `/v1/completions` or `/v1/chat/completions`.
/// Requests take behaviours from a queue in order; once it is empty every request gets `.answer`.
enum FakeBehavior: Sendable {
    /// A correct OpenAI answer (echoed prompt log-probabilities for scoring).
    case answer
    /// This status with an OpenAI-style error body, and `Retry-After` when given.
    case status(Int, message: String, retryAfter: String? = nil)
    /// 200 with a body that is not JSON.
    case garbage
    /// Announces a body, sends part of it, then closes the connection.
    case drop
    /// Waits this long, then answers normally (for client timeouts).
    case delay(Duration)
    /// 200 with a completion that has `logprobs: null`, as servers that ignore `logprobs` send.
    case noLogprobs
    /// Echoes only generated text and no prompt tokens (a server that ignores `echo`).
    case noEcho
    /// A correct echo, then damaged as a broken server or proxy might (the fuzz cases).
    case mangle(FakeMangling)
}

/// Ways to damage an echoed `logprobs` object; indices count the echoed tokens, BOS included.
enum FakeMangling: Sendable {
    /// Token `i` removed from every array.
    case dropToken(Int)
    /// Token `i` sent twice (every array).
    case repeatToken(Int)
    /// `token_logprobs` reversed over the scored positions; `top_logprobs` left as they were.
    case shuffleLogprobs
    /// `token_logprobs` reversed over the scored positions and `top_logprobs` left out.
    case shuffleLogprobsWithoutTop
    /// Every log-probability 0.0 (top_logprobs too).
    case zeroLogprobs
    /// Every `text_offset` moved by this much.
    case shiftOffsets(Int)
}

/// What the server saw for one request.
struct FakeRequest: Sendable {
    var path: String
    var authorization: String?
    var prompt: String?
    var maxTokens: Int?
    var stop: [String]?
    var body: [String: String]
}

/// The fake's script, its log and its in-flight counter.
actor FakeScript {
    private var behaviors: [FakeBehavior]
    private(set) var requests: [FakeRequest] = []
    private(set) var inFlight = 0
    private(set) var maxInFlight = 0

    init(_ behaviors: [FakeBehavior]) { self.behaviors = behaviors }

    func next() -> FakeBehavior { behaviors.isEmpty ? .answer : behaviors.removeFirst() }
    func record(_ request: FakeRequest) { requests.append(request) }
    func enter() {
        inFlight += 1
        maxInFlight = max(maxInFlight, inFlight)
    }
    func leave() { inFlight -= 1 }
}

/// A toy server tokenizer: a token is an optional space followed by a run of letters and digits,
/// or any other single Unicode scalar (so "🥛" and a combining accent are tokens of their own).
/// The tests spell out the tokens they expect, so a bug here shows as a failing test, not a
/// matching one.
enum FakeTokenizer {
    static func tokenize(_ text: String) -> [String] {
        var tokens: [String] = []
        var current = ""
        func flush() { if !current.isEmpty { tokens.append(current); current = "" } }
        for scalar in text.unicodeScalars {
            let isWord = scalar.properties.isAlphabetic || ("0"..."9").contains(scalar)
            if isWord {
                // `current` is empty, a lone space or a word run: the scalar extends it.
                current.unicodeScalars.append(scalar)
            } else if scalar == " " {
                flush()
                current = " "
            } else {
                flush()
                tokens.append(String(scalar))
            }
        }
        flush()
        return tokens
    }
}

/// How the fake model scores and generates.
struct FakeModelBehaviour: Sendable {
    /// The served model name; other names get 404 "The model `x` does not exist.".
    var model = "fake-model"
    /// Text of a BOS token prepended to every prompt, vLLM-style (counted in the offsets), or nil for none.
    var bos: String? = "<s>"
    /// Log-probability of each token text (default -1).
    var logprobs: [String: Double] = [:]
    /// Tokens that are the top-1 at their position (the others lose to "<top>").
    var greedy: Set<String> = []
    /// Refuses `max_tokens: 0` with a 400, as some servers do.
    var refusesZeroMaxTokens = false
    /// Reads `max_tokens: 0` as "no limit" and generates anyway, as llama-cpp-python does.
    var generatesOnZeroMaxTokens = false
    /// Model list entry's `created`.
    var created = 1_700_000_000
    /// Generated text and finish details for generation requests.
    var generatedText = " generated"
    var finishReason = "stop"
    var stopReason: String? = nil
    /// How long every answer takes (for concurrency tests).
    var latency: Duration = .zero

    func logprob(_ token: String) -> Double { logprobs[token] ?? -1.0 }
}

/// A real HTTP/1.1 OpenAI-compatible server on 127.0.0.1 answering from `FakeModelBehaviour`,
/// able to fail on command. It runs only inside `run`.
struct FakeOpenAIServer: Sendable {
    let baseURL: URL
    let script: FakeScript

    /// The endpoint as the client is given it (`…/v1`).
    var endpoint: URL { baseURL.appendingPathComponent("v1") }

    static func run<T: Sendable>(
        model: FakeModelBehaviour = FakeModelBehaviour(), behaviors: [FakeBehavior] = [],
        _ body: @Sendable (FakeOpenAIServer) async throws -> T
    ) async throws -> T {
        let script = FakeScript(behaviors)
        let router = Router()
        router.post("v1/completions") { request, _ in try await handle(request, chat: false, model: model, script: script) }
        router.post("v1/chat/completions") { request, _ in try await handle(request, chat: true, model: model, script: script) }
        router.get("v1/models") { _, _ -> Response in
            json(200, ["object": "list", "data": [["id": model.model, "object": "model", "created": model.created, "owned_by": "fake"]]])
        }
        return try await LoopbackHTTPServer.run(router: router, label: "FakeOpenAIServer") { url in
            try await body(FakeOpenAIServer(baseURL: url, script: script))
        }
    }

    /// A URL where nothing listens (connections are refused): a port bound by a socket that
    /// never listens, held for as long as the returned value lives, so no other test's server can
    /// be given the port meanwhile (a closed port could be, and would then answer).
    static func deadEndpoint() throws -> DeadEndpoint {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw FakeServerError.noFreePort }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw -> Bool in
                bind(fd, raw, length) == 0 && getsockname(fd, raw, &length) == 0
            }
        }
        guard bound else {
            close(fd)
            throw FakeServerError.noFreePort
        }
        return DeadEndpoint(fd: fd, url: URL(string: "http://127.0.0.1:\(UInt16(bigEndian: address.sin_port))/v1")!)
    }

    static func json(_ status: Int, _ object: Any, headers: HTTPFields = [:]) -> Response {
        let data = try! JSONSerialization.data(withJSONObject: object)
        var fields = headers
        fields[.contentType] = "application/json"
        return Response(status: HTTPResponse.Status(code: status), headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    private static func handle(_ request: Request, chat: Bool, model: FakeModelBehaviour, script: FakeScript) async throws -> Response {
        await script.enter()
        defer { Task { await script.leave() } }
        let buffer = try await request.body.collect(upTo: 1 << 20)
        let object = (try? JSONSerialization.jsonObject(with: Data(buffer.readableBytesView))) as? [String: Any] ?? [:]
        var fields: [String: String] = [:]
        for (key, value) in object { fields[key] = "\(value)" }
        let prompt = object["prompt"] as? String
            ?? ((object["messages"] as? [[String: Any]])?.first?["content"] as? String)
        let maxTokens = object["max_tokens"] as? Int
        await script.record(FakeRequest(
            path: request.uri.path, authorization: request.headers[.authorization], prompt: prompt, maxTokens: maxTokens, stop: object["stop"] as? [String], body: fields
        ))
        if model.latency > .zero { try await Task.sleep(for: model.latency) }
        let behavior = await script.next()
        switch behavior {
        case .status(let code, let message, let retryAfter):
            var headers: HTTPFields = [:]
            if let retryAfter { headers[.retryAfter] = retryAfter }
            return json(code, ["error": ["message": message, "type": "error", "code": code]], headers: headers)
        case .garbage:
            return Response(status: .ok, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(string: "{\"choices\": [oops")))
        case .drop:
            let body = ResponseBody(contentLength: 4096) { writer in
                try await writer.write(ByteBuffer(string: "{\"choices\": ["))
                try await Task.sleep(for: .milliseconds(50))
                throw FakeServerError.droppedOnPurpose
            }
            return Response(status: .ok, headers: [.contentType: "application/json"], body: body)
        case .delay(let duration):
            try await Task.sleep(for: duration)
        case .answer, .noLogprobs, .noEcho, .mangle:
            break
        }
        if (object["model"] as? String) != model.model {
            return json(404, ["error": ["message": "The model `\(object["model"] ?? "")` does not exist.", "type": "NotFoundError", "code": 404]])
        }
        if chat {
            return json(200, [
                "choices": [["index": 0, "message": ["role": "assistant", "content": model.generatedText],
                             "finish_reason": model.finishReason, "stop_reason": model.stopReason as Any? ?? NSNull()]],
                "usage": ["prompt_tokens": 5, "completion_tokens": 2],
            ])
        }
        guard let prompt else { return json(400, ["error": ["message": "prompt is required"]]) }
        let echo = object["echo"] as? Bool ?? false
        if !echo || maxTokens != 0 && maxTokens != 1 || object["logprobs"] == nil {
            // A generation request.
            return json(200, [
                "choices": [["index": 0, "text": model.generatedText, "logprobs": NSNull(),
                             "finish_reason": model.finishReason, "stop_reason": model.stopReason as Any? ?? NSNull()]],
                "usage": ["prompt_tokens": 5, "completion_tokens": 2],
            ])
        }
        if maxTokens == 0 && model.refusesZeroMaxTokens {
            return json(400, ["error": ["message": "max_tokens must be at least 1, got 0.", "type": "BadRequestError", "code": 400]])
        }
        if case .noLogprobs = behavior {
            return json(200, ["choices": [["index": 0, "text": prompt, "logprobs": NSNull(), "finish_reason": "length"]]])
        }
        var tokens = FakeTokenizer.tokenize(prompt)
        var values: [Any] = tokens.enumerated().map { i, token in i == 0 && model.bos == nil ? NSNull() : model.logprob(token) as Any }
        if let bos = model.bos {
            tokens.insert(bos, at: 0)
            values.insert(NSNull(), at: 0)
        }
        if case .noEcho = behavior { tokens = []; values = [] }
        let generated = maxTokens == 1 ? 1 : (maxTokens == 0 && model.generatesOnZeroMaxTokens ? 3 : 0)
        for _ in 0..<generated {
            // Generated tokens: scoring must ignore them (a large cost shows if it does not).
            tokens.append(" extra")
            values.append(-50.0)
        }
        var offsets: [Int] = []
        var offset = 0
        for token in tokens {
            offsets.append(offset)
            offset += token.unicodeScalars.count
        }
        if case .noEcho = behavior { offsets = offsets.map { $0 + prompt.unicodeScalars.count } }
        var top: [Any] = tokens.enumerated().map { i, token in
            guard let value = values[i] as? Double else { return NSNull() }
            return model.greedy.contains(token) ? [token: value] : ["<top>": -0.001, token: value]
        }
        var sendsTop = true
        if case .mangle(let mangling) = behavior {
            switch mangling {
            case .dropToken(let i):
                tokens.remove(at: i); values.remove(at: i); offsets.remove(at: i); top.remove(at: i)
            case .repeatToken(let i):
                tokens.insert(tokens[i], at: i); values.insert(values[i], at: i); offsets.insert(offsets[i], at: i); top.insert(top[i], at: i)
            case .shuffleLogprobs, .shuffleLogprobsWithoutTop:
                let scored = values.indices.filter { values[$0] is Double }
                let reversed = scored.reversed().map { values[$0] }
                for (slot, value) in zip(scored, reversed) { values[slot] = value }
                if case .shuffleLogprobsWithoutTop = mangling { sendsTop = false }
            case .zeroLogprobs:
                values = values.map { $0 is Double ? 0.0 : $0 }
                top = tokens.enumerated().map { i, token in values[i] is Double ? [token: 0.0] as Any : NSNull() }
            case .shiftOffsets(let by):
                offsets = offsets.map { $0 + by }
            }
        }
        var logprobs: [String: Any] = ["tokens": tokens, "token_logprobs": values, "text_offset": offsets]
        if sendsTop { logprobs["top_logprobs"] = top }
        return json(200, [
            "choices": [["index": 0, "text": prompt + String(repeating: " extra", count: generated),
                         "logprobs": logprobs,
                         "finish_reason": "length"]],
            "usage": ["prompt_tokens": tokens.count - generated, "completion_tokens": generated],
        ])
    }
}

/// A bound, never-listening port (see `FakeOpenAIServer.deadEndpoint`); closed when released.
final class DeadEndpoint: Sendable {
    private let fd: Int32
    let url: URL

    init(fd: Int32, url: URL) {
        self.fd = fd
        self.url = url
    }

    deinit { close(fd) }
}

enum FakeServerError: Error {
    case droppedOnPurpose
    case noFreePort
}
