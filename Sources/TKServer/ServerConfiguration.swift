/// Settings of `truthkit serve`: where it listens, who may call it, and the limits that keep one
/// request from taking the server down.
public struct ServerConfiguration: Sendable {
    public var host: String
    /// 0 picks a free port (tests); `onRunning` reports the one chosen.
    public var port: Int
    /// When set, every `/v1/*` and tokenizer request needs `Authorization: Bearer KEY`.
    public var apiKey: String?
    /// The id under which `/v1/models` lists the model.
    public var modelID: String
    /// Largest request body accepted (413 past it).
    public var maxBodyBytes: Int
    /// Largest prompt in tokens (400 past it); nil = the model's context window.
    public var maxPromptTokens: Int?
    /// Largest `max_tokens` accepted (400 past it).
    public var maxCompletionTokens: Int
    /// Most prompts in one completions request (a list prompt).
    public var maxPromptsPerRequest: Int
    /// Log-probability alternatives per position at most (`logprobs`, `top_logprobs`).
    public var maxLogprobs: Int
    /// A connection that sends nothing for this long while no request of it is being answered is
    /// closed: an idle keep-alive connection, or a client that has not finished its request head
    /// (a header sent a byte at a time). nil: never.
    public var idleTimeout: Duration?
    /// Longest time a request body may take to arrive after its head (408 past it). nil: no limit.
    public var bodyTimeout: Duration?
    /// Most connections open at once; past it the server stops accepting (new ones wait in the
    /// listen backlog) until one closes. nil: no limit.
    public var maxConnections: Int?

    public init(host: String = "127.0.0.1", port: Int = 8080, apiKey: String? = nil, modelID: String = "truthkit",
                maxBodyBytes: Int = 2 << 20, maxPromptTokens: Int? = nil, maxCompletionTokens: Int = 4096,
                maxPromptsPerRequest: Int = 64, maxLogprobs: Int = 20, idleTimeout: Duration? = .seconds(30),
                bodyTimeout: Duration? = .seconds(60), maxConnections: Int? = 256) {
        self.host = host
        self.port = port
        self.apiKey = apiKey
        self.modelID = modelID
        self.maxBodyBytes = maxBodyBytes
        self.maxPromptTokens = maxPromptTokens
        self.maxCompletionTokens = maxCompletionTokens
        self.maxPromptsPerRequest = maxPromptsPerRequest
        self.maxLogprobs = maxLogprobs
        self.idleTimeout = idleTimeout
        self.bodyTimeout = bodyTimeout
        self.maxConnections = maxConnections
    }
}
