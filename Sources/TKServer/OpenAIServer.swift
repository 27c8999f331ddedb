import Foundation
import Hummingbird
import HummingbirdCore
import NIOCore
import Logging
import TKChatTemplate
import TKEngine
import TKTokenizer
import TKOpenAIWire

/// `truthkit serve`: the engine behind an OpenAI-compatible HTTP API.
///
/// Routes: `GET /health`, `GET /v1/models`, `POST /v1/completions`, `POST /v1/chat/completions`,
/// and vLLM's tokenizer routes `POST /tokenize`, `POST /detokenize`, `GET /tokenizer_info`
/// (lm-evaluation-harness uses them to count context tokens the way the server does).
/// Bad requests get 400 with an OpenAI-style error body and the server keeps serving.
public struct OpenAIServer: Sendable {
    public let engine: EngineService
    public let configuration: ServerConfiguration
    /// The chat template parsed once at start, or why chat completions are unavailable.
    let chat: (template: ChatTemplate?, problem: String?)

    public init(engine: EngineService, configuration: ServerConfiguration) {
        self.engine = engine
        self.configuration = configuration
        chat = Self.parseChatTemplate(engine.model)
    }

    var model: TransformerModel { engine.model }

    /// The router with every route (and the key check when `apiKey` is set).
    public func makeRouter() -> Router<BasicRequestContext> {
        let router = Router()
        router.add(middleware: ErrorMiddleware(maxBodyBytes: configuration.maxBodyBytes))
        if let key = configuration.apiKey { router.add(middleware: APIKeyMiddleware(key: key)) }
        router.get("/health") { request, _ in self.health(request) }
        router.get("/v1/models") { _, _ in self.models() }
        router.post("/v1/completions") { request, context in try await self.completions(request) }
        router.post("/v1/chat/completions") { request, context in try await self.chatCompletions(request) }
        router.post("/tokenize") { request, _ in try await self.tokenize(request) }
        router.post("/detokenize") { request, _ in try await self.detokenize(request) }
        router.get("/tokenizer_info") { _, _ in self.tokenizerInfo() }
        return router
    }

    /// Runs until SIGTERM or SIGINT, then stops accepting connections, lets in-flight requests
    /// finish (Hummingbird's graceful shutdown), and stops the engine.
    ///
    /// - Parameter onRunning: called with the bound port once the server listens.
    public func run(logger: Logger = Logger(label: "truthkit.serve"), onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        let app = makeApplication(logger: logger, onRunning: onRunning)
        do {
            try await app.runService()
        } catch {
            await engine.shutdown()
            throw error
        }
        await engine.shutdown()
    }

    /// The HTTP application: the router on `host:port`, with the idle timeout (which is also the
    /// time a client gets to send its request head) and the connection cap of the configuration.
    /// - Parameter logger: nil logs only critical events (tests).
    public func makeApplication(logger: Logger? = nil, onRunning: @escaping @Sendable (Int) async -> Void) -> some ApplicationProtocol {
        let port = configuration.port
        let logger = logger ?? {
            var quiet = Logger(label: "truthkit.serve")
            quiet.logLevel = .critical
            return quiet
        }()
        return Application(
            router: makeRouter(),
            server: .http1(configuration: .init(idleTimeout: configuration.idleTimeout.map { TimeAmount($0) })),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "truthkit",
                                 availableConnectionsDelegate: configuration.maxConnections.map { MaximumAvailableConnections($0, logger: logger) }),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? port) },
            logger: logger)
    }

    // MARK: Body

    /// The request body as JSON, refusing bodies over the limit with 413 and bodies that take
    /// longer than `bodyTimeout` to arrive with 408 (a body trickled a byte at a time keeps the
    /// connection from looking idle, so the idle timeout alone would not end it).
    func jsonBody(_ request: Request) async throws -> JSONValue {
        let body = request.body
        let limit = configuration.maxBodyBytes
        let buffer: ByteBuffer
        do {
            if let timeout = configuration.bodyTimeout {
                buffer = try await withThrowingTaskGroup(of: ByteBuffer?.self) { group in
                    group.addTask { try await body.collect(upTo: limit) }
                    group.addTask {
                        try await Task.sleep(for: timeout)
                        return nil
                    }
                    defer { group.cancelAll() }
                    guard let first = try await group.next(), let collected = first else {
                        throw APIError(status: .requestTimeout,
                                       message: "The request body did not arrive within \(timeout) of the request head; send the whole body at once "
                                           + "(or start the server with a longer --body-timeout).",
                                       code: "request_timeout")
                    }
                    return collected
                }
            } else {
                buffer = try await body.collect(upTo: limit)
            }
        } catch let error as any HTTPResponseError where error.status == .contentTooLarge {
            throw APIError.bodyTooLarge(limit: limit)
        }
        return try JSONValue.parse(Data(buffer.readableBytesView))
    }

    // MARK: Small routes

    struct Health: Encodable {
        var status = "ok"
        /// Left out for a request without the key of a server that has one: the model id is often
        /// the model file's absolute path, which is no business of an unauthenticated caller.
        var model: String?
        var queued: Int
        var active: Int
        var completed: Int
    }

    func health(_ request: Request) -> Response {
        let load = engine.load
        let authorized = configuration.apiKey.map { APIKeyMiddleware<BasicRequestContext>.authorizes(request, key: $0) } ?? true
        return JSONResponse.make(Health(model: authorized ? configuration.modelID : nil, queued: load.queued, active: load.active,
                                        completed: load.completed))
    }

    /// Refuses a request naming another model than the one served (404, as the OpenAI API does).
    /// A request without `model` gets the served one.
    func checkModel(_ f: JSONFields) throws(APIError) {
        guard let requested = try f.string("model") else { return }
        guard requested == configuration.modelID else { throw .unknownModel(requested, served: configuration.modelID) }
    }

    func models() -> Response {
        JSONResponse.make(OpenAIWire.ModelList(data: [.init(id: configuration.modelID, created: 0, ownedBy: "truthkit",
                                                            maxModelLen: model.config.contextLength)]))
    }

    struct Tokens: Encodable {
        var tokens: [Int32]
        var count: Int
        var max_model_len: Int
    }

    /// vLLM's `/tokenize`: `{"prompt", "add_special_tokens"}`. Control-token text is parsed as the
    /// control token, as Hugging Face tokenizers do.
    func tokenize(_ request: Request) async throws -> Response {
        let f = try JSONFields(try await jsonBody(request))
        guard let prompt = try f.string("prompt") else {
            throw APIError.invalid("`prompt` (a string) is required.", param: "prompt", code: "missing_field")
        }
        let ids = model.tokenizer.encode(prompt, addSpecial: try f.bool("add_special_tokens") ?? true, parseSpecial: true)
        return JSONResponse.make(Tokens(tokens: ids, count: ids.count, max_model_len: model.config.contextLength))
    }

    struct Detokenized: Encodable { var prompt: String }

    func detokenize(_ request: Request) async throws -> Response {
        let f = try JSONFields(try await jsonBody(request))
        guard case .array(let items)? = f["tokens"] else { throw f.wrongType("tokens", "an array of token ids") }
        var ids: [Int32] = []
        for item in items {
            guard case .int(let i) = item else { throw f.wrongType("tokens", "an array of token ids") }
            guard i >= 0 && i < Int64(model.tokenizer.vocabularySize) else {
                throw APIError.invalid("token id \(i) is outside the vocabulary (0..<\(model.tokenizer.vocabularySize)).", param: "tokens", code: "invalid_value")
            }
            ids.append(Int32(i))
        }
        return JSONResponse.make(Detokenized(prompt: model.tokenizer.decode(ids)))
    }

    struct TokenizerInfo: Encodable {
        var eos_token: String?
        var bos_token: String?
        var pad_token: String?
        var chat_template: String?
        var model_max_length: Int

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(eos_token, forKey: .eos_token)
            try c.encode(bos_token, forKey: .bos_token)
            try c.encode(pad_token, forKey: .pad_token)
            try c.encode(chat_template, forKey: .chat_template)
            try c.encode(model_max_length, forKey: .model_max_length)
        }

        enum CodingKeys: String, CodingKey { case eos_token, bos_token, pad_token, chat_template, model_max_length }
    }

    func tokenizerInfo() -> Response {
        let tok = model.tokenizer
        return JSONResponse.make(TokenizerInfo(eos_token: tok.eosID.map(tok.tokenText), bos_token: tok.bosID.map(tok.tokenText),
                                               pad_token: nil, chat_template: tok.chatTemplate,
                                               model_max_length: model.config.contextLength))
    }
}
