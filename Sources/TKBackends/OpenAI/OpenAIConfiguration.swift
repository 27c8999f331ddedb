import Foundation

/// Which OpenAI endpoint `generate` uses.
public enum OpenAIAPI: String, Sendable, Codable, CaseIterable {
    /// `POST /v1/completions`: the prompt is sent as written (what base models and lm-eval expect).
    case completions
    /// `POST /v1/chat/completions`: the prompt is one user message and the server applies the
    /// model's chat template.
    case chat
}

/// Everything `OpenAIModel` needs to reach a server, or a fleet of identical servers.
///
/// Scoring always uses `/v1/completions` (chat endpoints do not echo the prompt); `api` only
/// chooses the endpoint for generation.
public struct OpenAIConfiguration: Sendable, Equatable {
    /// Base URLs that serve the same model, used round-robin (`http://host:8000/v1`). A URL with
    /// no path gets `/v1` appended, so `http://host:8000` works too; any other path is kept as
    /// written, as the OpenAI SDKs do with `base_url`.
    public var endpoints: [URL]
    /// The served model name, sent as `model` in every request.
    public var model: String
    /// Sent as `Authorization: Bearer KEY`; nil or empty sends no header (local servers).
    public var apiKey: String?
    /// Most HTTP requests in flight at once, over all endpoints.
    public var concurrency: Int
    /// Limit for one HTTP request, from connecting to the last byte of the answer.
    public var timeout: Duration
    /// Retries after the first attempt for one item, on 429, 500/502/503/504, timeouts,
    /// dropped connections and unreadable answers.
    public var maxRetries: Int
    /// Backoff before retry n (0-based) is a random wait in 0...min(cap, base·2ⁿ) ("full jitter",
    /// so many clients that failed together do not come back together).
    public var backoffBase: Duration
    public var backoffCap: Duration
    /// The longest `Retry-After` honoured, per request: a server asking for more is waited on for
    /// this long before that request is retried.
    public var maxRetryAfter: Duration
    /// Consecutive failures after which an endpoint is left alone for `cooldown`, while another
    /// endpoint is available (a single endpoint is never left alone: its failed requests back off).
    public var unhealthyAfter: Int
    public var cooldown: Duration
    /// The endpoint `generate` uses.
    public var api: OpenAIAPI

    public init(
        endpoints: [URL], model: String, apiKey: String? = nil, concurrency: Int = 8,
        timeout: Duration = .seconds(120), maxRetries: Int = 5,
        backoffBase: Duration = .milliseconds(500), backoffCap: Duration = .seconds(30),
        maxRetryAfter: Duration = .seconds(120), unhealthyAfter: Int = 3, cooldown: Duration = .seconds(30),
        api: OpenAIAPI = .completions
    ) {
        self.endpoints = endpoints
        self.model = model
        self.apiKey = apiKey
        self.concurrency = concurrency
        self.timeout = timeout
        self.maxRetries = maxRetries
        self.backoffBase = backoffBase
        self.backoffCap = backoffCap
        self.maxRetryAfter = maxRetryAfter
        self.unhealthyAfter = unhealthyAfter
        self.cooldown = cooldown
        self.api = api
    }

    /// Fills what the flags leave out from the environment, as the OpenAI SDKs do:
    /// `OPENAI_BASE_URL` when `endpoints` is empty, `OPENAI_API_KEY` when `apiKey` is nil.
    /// The default base URL is `https://api.openai.com/v1`.
    ///
    /// - Throws: `OpenAIError.invalidConfiguration` when `OPENAI_BASE_URL` is not a URL.
    public static func fromEnvironment(
        _ environment: [String: String] = ProcessInfo.processInfo.environment,
        model: String, endpoints: [URL] = [], apiKey: String? = nil,
        concurrency: Int = 8, api: OpenAIAPI = .completions
    ) throws -> OpenAIConfiguration {
        var urls = endpoints
        if urls.isEmpty {
            let raw = environment["OPENAI_BASE_URL"].flatMap { $0.isEmpty ? nil : $0 } ?? "https://api.openai.com/v1"
            guard let url = URL(string: raw), url.scheme != nil else {
                throw OpenAIError(
                    .invalidConfiguration,
                    "OPENAI_BASE_URL is '\(raw)', which is not a URL; set it to the server's base URL, e.g. http://localhost:8000/v1."
                )
            }
            urls = [url]
        }
        let key = apiKey ?? environment["OPENAI_API_KEY"].flatMap { $0.isEmpty ? nil : $0 }
        return OpenAIConfiguration(endpoints: urls, model: model, apiKey: key, concurrency: concurrency, api: api)
    }

    /// Checks what can be checked without a server and returns the endpoints normalised
    /// (trailing slash dropped, `/v1` added to a bare host).
    func validatedEndpoints() throws -> [URL] {
        guard !endpoints.isEmpty else {
            throw OpenAIError(.invalidConfiguration, "No endpoint given; pass --base-url or --endpoint, or set OPENAI_BASE_URL.")
        }
        guard !model.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw OpenAIError(.invalidConfiguration, "No model name given; pass --model with the server's model name (GET /v1/models lists them).")
        }
        guard concurrency >= 1 else {
            throw OpenAIError(.invalidConfiguration, "--concurrency must be at least 1 (it is \(concurrency)).")
        }
        guard maxRetries >= 0, unhealthyAfter >= 1, timeout > .zero else {
            throw OpenAIError(.invalidConfiguration, "Retries must be ≥ 0, the unhealthy threshold ≥ 1 and the timeout positive.")
        }
        var seen = Set<String>()
        var result: [URL] = []
        for url in endpoints {
            guard let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https", url.host != nil else {
                throw OpenAIError(
                    .invalidConfiguration,
                    "Endpoint '\(url.absoluteString)' is not an http(s) URL; write it as http://host:port/v1.", endpoint: url
                )
            }
            var text = url.absoluteString
            while text.hasSuffix("/") { text.removeLast() }
            if url.path.isEmpty || url.path == "/" { text += "/v1" }
            guard let normalised = URL(string: text) else {
                throw OpenAIError(.invalidConfiguration, "Endpoint '\(url.absoluteString)' is not a valid URL.", endpoint: url)
            }
            if seen.insert(text).inserted { result.append(normalised) }
        }
        return result
    }
}
