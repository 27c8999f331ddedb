import Crypto
import Foundation
import TKEvalCore
import TKOpenAIWire

/// A model behind an OpenAI-compatible HTTP API (vLLM, llama.cpp's server, `truthkit serve`,
/// OpenAI itself) as a `LanguageModel`.
///
/// **Scoring** sends each continuation as its own `POST /v1/completions` with
/// `prompt = context + continuation`, `echo: true`, `logprobs: 1`, `max_tokens: 0` and reads the
/// echoed prompt log-probabilities (see `EchoScoring` for which tokens are the continuation's).
/// Servers that refuse `max_tokens: 0` are asked for one token instead, once per endpoint, and
/// the generated token is ignored. Chat endpoints cannot echo a prompt, so scoring never uses them.
///
/// **Generation** uses `/v1/completions` (the prompt as written) or `/v1/chat/completions` (the
/// prompt as one user message), as `OpenAIConfiguration.api` says.
///
/// **Throughput.** Up to `concurrency` HTTP requests are in flight at once over all endpoints;
/// results come back in request order whatever order the answers arrive in. Several endpoints
/// serving the same model are used round-robin with per-endpoint health, so a fleet of vLLM
/// replicas is one backend.
///
/// **Failures.** 429, 5xx, timeouts, dropped connections and unreadable answers are retried
/// with backoff (honouring `Retry-After`), each item on its own, so one bad answer never costs
/// another item's result and an item's result is taken from exactly one answer. What cannot be
/// retried ends in an `OpenAIError` naming the endpoint, the item and the server's message.
///
/// Call `shutdown()` when done: it closes the HTTP client's connections.
public final class OpenAIModel: LanguageModel, Sendable {
    public let identity: ModelIdentity
    public let configuration: OpenAIConfiguration
    let transport: OpenAITransport

    /// A model for `configuration` that has not asked the server anything yet. Its fingerprint
    /// lacks the server's `/v1/models` entry; prefer `connect`, which checks the model and key.
    ///
    /// - Throws: `OpenAIError.invalidConfiguration`.
    public convenience init(configuration: OpenAIConfiguration, timing: OpenAITiming = .system) throws {
        let transport = try OpenAITransport(configuration: configuration, timing: timing)
        self.init(transport: transport, entry: nil)
    }

    init(transport: OpenAITransport, entry: OpenAIWire.ModelList.Entry?) {
        self.transport = transport
        configuration = transport.configuration
        identity = Self.identity(configuration: transport.configuration, endpoints: transport.endpoints, entry: entry)
    }

    /// Connects to the server: asks `GET /v1/models` (through the same retries and endpoints as
    /// every request) to check the key and the model name and to fingerprint the model.
    ///
    /// A server without `/v1/models` (404) is accepted, fingerprinted without its entry.
    ///
    /// - Throws: `OpenAIError` — `.authentication` for a refused key, `.unknownModel` (listing
    ///   the served models) when the list lacks `configuration.model`, or a connection error.
    public static func connect(_ configuration: OpenAIConfiguration, timing: OpenAITiming = .system) async throws -> OpenAIModel {
        let transport = try OpenAITransport(configuration: configuration, timing: timing)
        do {
            let entries = try await listModels(transport)
            var entry: OpenAIWire.ModelList.Entry?
            if let entries {
                guard let found = entries.first(where: { $0.entry.id == configuration.model }) else {
                    let served = entries.map(\.entry.id)
                    let endpoint = entries.first?.endpoint ?? transport.endpoints[0]
                    throw OpenAIError(
                        .unknownModel,
                        "\(endpoint.absoluteString) does not serve model '\(configuration.model)'. "
                            + (served.isEmpty ? "It lists no models." : "It serves: \(served.joined(separator: ", ")).")
                            + " Pass the served name with --model.",
                        endpoint: endpoint, status: 200
                    )
                }
                entry = found.entry
            }
            return OpenAIModel(transport: transport, entry: entry)
        } catch {
            try? await transport.shutdown()
            throw error
        }
    }

    /// Closes the HTTP client. Requests after this fail.
    public func shutdown() async throws {
        try await transport.shutdown()
    }

    /// Requests and failures per endpoint so far, in configuration order.
    public func endpointCounters() async -> [(endpoint: URL, requests: Int, failures: Int)] {
        let counters = await transport.pool.counters()
        return zip(transport.endpoints, counters).map { ($0, $1.requests, $1.failures) }
    }

    // MARK: Identity

    /// The fingerprint covers what can change an answer: the backend, the served model name,
    /// the generation API, the endpoints (sorted; another server may serve other weights under
    /// the same name) and the server's `/v1/models` entry (id, created, owned_by — vLLM's
    /// `created` changes on every restart, so a restarted server starts a fresh run rather than
    /// silently mixing answers). Connection settings (concurrency, timeouts, the key) are left
    /// out: they change how answers arrive, not what they are.
    static func identity(configuration: OpenAIConfiguration, endpoints: [URL], entry: OpenAIWire.ModelList.Entry?) -> ModelIdentity {
        let sorted = endpoints.map(\.absoluteString).sorted()
        var lines = ["backend=openai", "model=\(configuration.model)", "api=\(configuration.api.rawValue)"]
        lines += sorted.map { "endpoint=\($0)" }
        var details = ["endpoints": sorted.joined(separator: " "), "api": configuration.api.rawValue]
        if let entry {
            let created = entry.created.map(String.init) ?? ""
            let owner = entry.ownedBy ?? ""
            lines.append("entry=\(entry.id)|\(created)|\(owner)")
            details["created"] = created
            details["owned_by"] = owner
        } else {
            lines.append("entry=unknown")
        }
        let digest = SHA256.hash(data: Data(lines.joined(separator: "\n").utf8))
        let hex = digest.map { $0 < 16 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
        return ModelIdentity(name: configuration.model, backend: "openai", fingerprint: "openai:" + hex, details: details)
    }

    /// The served models with the endpoint that listed them, or nil when the server has no `/models`.
    private static func listModels(_ transport: OpenAITransport) async throws -> [(entry: OpenAIWire.ModelList.Entry, endpoint: URL)]? {
        do {
            return try await transport.perform(item: "GET /models", method: .get, path: "models", body: { _ in nil }) { answer in
                guard let list = try? JSONDecoder().decode(OpenAIWire.ModelList.self, from: answer.body) else {
                    throw OpenAITransport.Retryable(
                        error: OpenAIError(
                            .malformedResponse,
                            "\(answer.endpoint.absoluteString) answered GET /models with a body that is not a model list: "
                                + Self.preview(answer.body),
                            endpoint: answer.endpoint, status: 200
                        )
                    )
                }
                return list.data.map { ($0, answer.endpoint) }
            }
        } catch let error as OpenAIError where error.status == 404 && error.code == .httpStatus {
            return nil
        }
    }

    /// The start of a body, for error messages.
    static func preview(_ body: Data) -> String {
        let text = String(decoding: body.prefix(120), as: UTF8.self)
        return (text.isEmpty ? "(empty)" : text.debugDescription) + (body.count > 120 ? "…" : "")
    }
}
