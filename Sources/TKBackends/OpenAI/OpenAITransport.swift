import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import TKOpenAIWire

/// Sends one logical request to whichever endpoint is up, retrying what is worth retrying.
///
/// One `HTTPClient` (connection pooling, timeouts) on NIO's shared event loop group serves every
/// request of a model; `shutdown()` closes its connections. Each attempt holds a slot of the
/// model's limiter only while the HTTP exchange is on the wire, not while it backs off.
///
/// What is retried, and why: 408, 429, 500, 502, 503 and 504, timeouts, connections refused or
/// dropped mid-answer, and 2xx bodies that are not the JSON expected — all things a second try
/// (perhaps at another endpoint) can fix. 400, 401, 403, 404 and the rest fail at once with the
/// server's message, because asking again gives the same answer.
final class OpenAITransport: Sendable {
    let configuration: OpenAIConfiguration
    let endpoints: [URL]
    let pool: EndpointPool
    let limiter: AsyncLimiter
    let timing: OpenAITiming
    let schedule: RetrySchedule
    private let client: HTTPClient

    /// Largest response body read (a scored prompt of a few thousand tokens is well under 1 MiB).
    static let maxBodyBytes = 64 << 20

    init(configuration: OpenAIConfiguration, timing: OpenAITiming) throws {
        self.configuration = configuration
        endpoints = try configuration.validatedEndpoints()
        pool = EndpointPool(
            urls: endpoints, unhealthyAfter: configuration.unhealthyAfter, cooldown: configuration.cooldown, now: timing.now
        )
        limiter = AsyncLimiter(limit: configuration.concurrency)
        self.timing = timing
        schedule = RetrySchedule(base: configuration.backoffBase, cap: configuration.backoffCap, maxRetryAfter: configuration.maxRetryAfter)
        var clientConfiguration = HTTPClient.Configuration()
        clientConfiguration.timeout = .init(connect: TimeAmount(min(configuration.timeout, .seconds(10))), read: TimeAmount(configuration.timeout))
        clientConfiguration.connectionPool = .init(
            idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: max(8, configuration.concurrency)
        )
        // A refused connection fails the request at once; by default the pool would keep trying
        // to connect until the deadline, which hides a dead replica from the endpoint health below.
        clientConfiguration.connectionPool.retryConnectionEstablishment = false
        clientConfiguration.redirectConfiguration = .disallow
        client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: clientConfiguration)
    }

    deinit {
        // A safety net for a model dropped without `shutdown()`: the client refuses to be
        // deallocated while running. Shutting down keeps it alive until its connections close.
        client.shutdown { _ in }
    }

    func shutdown() async throws {
        do {
            try await client.shutdown()
        } catch let error as HTTPClientError where error == .alreadyShutdown {
            return
        }
    }

    // MARK: One logical request

    enum Method: Sendable { case get, post }

    /// An attempt's result that a retry can fix (the endpoint's fault, or the network's).
    struct Retryable: Error {
        var error: OpenAIError
        var retryAfter: Duration?
    }

    /// What the caller's decoder sees: the endpoint that answered and whether it was asked for
    /// one token instead of none.
    struct Answer: Sendable {
        var body: Data
        var endpoint: URL
        var oneToken: Bool
    }

    /// Sends `method path` (relative to the endpoint's base URL) until `decode` accepts an answer,
    /// a non-retryable failure happens, or retries run out.
    ///
    /// - Parameters:
    ///   - item: Named in errors ("request 3, continuation 2").
    ///   - body: The JSON body; the flag says whether this endpoint needs `max_tokens: 1`.
    ///   - maxTokensFallback: Whether a 400 that mentions `max_tokens` means "ask again with one token".
    ///   - decode: Turns a 2xx body into the result; throws `Retryable` for bodies a retry may fix,
    ///     `OpenAIError` for answers that are final.
    func perform<T: Sendable>(
        item: String?, method: Method, path: String, maxTokensFallback: Bool = false,
        body: @Sendable (_ oneToken: Bool) throws -> Data?,
        decode: @Sendable (Answer) throws -> T
    ) async throws -> T {
        var attempts = 0
        var retries = 0
        while true {
            try Task.checkCancellation()
            let (index, endpoint) = try await acquireEndpoint()
            attempts += 1
            let oneToken = await pool.needsOneToken(index)
            do {
                let payload = try body(oneToken)
                let response = try await exchange(method: method, url: endpoint.appendingPathComponent(path), body: payload, endpoint: endpoint)
                if (200..<300).contains(response.status) {
                    let value = try decode(Answer(body: response.body, endpoint: endpoint, oneToken: oneToken))
                    await pool.succeeded(index)
                    return value
                }
                let message = OpenAIWire.errorMessage(in: response.body)
                if maxTokensFallback, !oneToken, response.status == 400 || response.status == 422,
                   (message ?? "").lowercased().contains("max_tokens") || (message ?? "").lowercased().contains("max tokens")
                {
                    // The server wants at least one generated token; ask again with one and keep
                    // asking this endpoint that way. Not a retry: nothing failed that can recur.
                    await pool.requireOneToken(index)
                    attempts -= 1
                    continue
                }
                throw try await statusError(response, message: message, endpoint: endpoint, path: path)
            } catch let retryable as Retryable {
                await pool.failed(index, reason: retryable.error.message, retryAfter: retryable.retryAfter.map(schedule.honoured))
                guard retries < configuration.maxRetries else {
                    throw await giveUp(retryable.error, item: item, attempts: attempts)
                }
                let delay = retryable.retryAfter.map(schedule.honoured) ?? schedule.backoff(retry: retries, unit: timing.random())
                retries += 1
                try await timing.sleep(delay)
            } catch let error as OpenAIError {
                throw error.attributed(to: item, attempts: attempts)
            }
        }
    }

    /// The next endpoint that is up, waiting while all of them cool down.
    private func acquireEndpoint() async throws -> (Int, URL) {
        while true {
            switch await pool.acquire() {
            case .endpoint(let index, let url):
                return (index, url)
            case .wait(let duration):
                try await timing.sleep(duration)
            }
        }
    }

    /// The final error once retries are spent: the last failure, or all endpoints' failures when
    /// there are several and none is healthy.
    private func giveUp(_ last: OpenAIError, item: String?, attempts: Int) async -> OpenAIError {
        var error = last
        if endpoints.count > 1, await pool.allUnhealthy() {
            error = OpenAIError(
                .allEndpointsUnavailable,
                "Every endpoint kept failing; gave up after \(attempts) attempts. Last failure at each:\n"
                    + (await pool.summary())
                    + "\nCheck that the servers are running and reachable, or remove the dead ones from --endpoint.",
                endpoint: last.endpoint, status: last.status, serverMessage: last.serverMessage, cause: last.cause
            )
        } else {
            error.message += " Gave up after \(attempts) attempt\(attempts == 1 ? "" : "s")."
        }
        return error.attributed(to: item, attempts: attempts)
    }

    // MARK: HTTP

    struct RawResponse: Sendable {
        var status: Int
        var retryAfter: String?
        var body: Data
    }

    /// One HTTP exchange; network failures come back as `Retryable`.
    private func exchange(method: Method, url: URL, body: Data?, endpoint: URL) async throws -> RawResponse {
        var request = HTTPClientRequest(url: url.absoluteString)
        request.method = method == .post ? .POST : .GET
        request.headers.add(name: "Accept", value: "application/json")
        if let key = configuration.apiKey, !key.isEmpty {
            request.headers.add(name: "Authorization", value: "Bearer \(key)")
        }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        let timeout = configuration.timeout
        do {
            return try await limiter.withSlot { [client, request] in
                let response = try await client.execute(request, timeout: TimeAmount(timeout))
                let buffer = try await response.body.collect(upTo: Self.maxBodyBytes)
                return RawResponse(
                    status: Int(response.status.code), retryAfter: response.headers.first(name: "Retry-After"),
                    body: Data(buffer.readableBytesView)
                )
            }
        } catch {
            if error is CancellationError || Task.isCancelled { throw CancellationError() }
            if let http = error as? HTTPClientError, http == .cancelled { throw CancellationError() }
            throw Retryable(error: networkError(error, endpoint: endpoint, url: url), retryAfter: nil)
        }
    }

    private func networkError(_ error: any Error, endpoint: URL, url: URL) -> OpenAIError {
        let seconds = Double(configuration.timeout.components.seconds) + Double(configuration.timeout.components.attoseconds) / 1e18
        if let http = error as? HTTPClientError {
            if http == .deadlineExceeded || http == .readTimeout || http == .connectTimeout || http == .writeTimeout {
                return OpenAIError(
                    .connectionFailed,
                    "\(endpoint.absoluteString) did not answer \(url.path) within \(seconds.formatted()) s (\(http)). "
                        + "A slow server may need a longer timeout.",
                    endpoint: endpoint, cause: error
                )
            }
            if http == .remoteConnectionClosed {
                return OpenAIError(
                    .connectionFailed, "\(endpoint.absoluteString) closed the connection before the answer to \(url.path) was complete.",
                    endpoint: endpoint, cause: error
                )
            }
        }
        return OpenAIError(
            .connectionFailed,
            "Cannot reach \(endpoint.absoluteString) (\(url.path)): \(error). Check that the server is running and the URL is right.",
            endpoint: endpoint, cause: error
        )
    }

    /// The error for a non-2xx answer: `Retryable` for 408/429/5xx, `OpenAIError` otherwise.
    private func statusError(_ response: RawResponse, message: String?, endpoint: URL, path: String) async throws -> any Error {
        let status = response.status
        let said = message.map { ": \($0)" } ?? ""
        switch status {
        case 408, 429, 500, 502, 503, 504:
            let retryAfter = response.retryAfter.flatMap { RetrySchedule.parseRetryAfter($0) }
            let what = status == 429 ? "is rate-limiting requests" : "had a server error"
            return Retryable(
                error: OpenAIError(
                    .httpStatus, "\(endpoint.absoluteString) \(what) (HTTP \(status)\(said)).",
                    endpoint: endpoint, status: status, serverMessage: message
                ),
                retryAfter: retryAfter
            )
        case 401, 403:
            return OpenAIError(
                .authentication,
                "\(endpoint.absoluteString) refused the API key (HTTP \(status)\(said)). Check OPENAI_API_KEY / --api-key.",
                endpoint: endpoint, status: status, serverMessage: message
            )
        case 404 where isAboutModel(message):
            let served = await servedModels(at: endpoint)
            let list = served.map { $0.isEmpty ? " It serves no models." : " It serves: \($0.joined(separator: ", "))." } ?? ""
            return OpenAIError(
                .unknownModel,
                "\(endpoint.absoluteString) does not serve model '\(configuration.model)' (HTTP 404\(said)).\(list) "
                    + "Pass the served name with --model.",
                endpoint: endpoint, status: status, serverMessage: message
            )
        case 404:
            return OpenAIError(
                .httpStatus,
                "\(endpoint.absoluteString) has no \(path) (HTTP 404\(said)). Check the base URL: it usually ends in /v1.",
                endpoint: endpoint, status: status, serverMessage: message
            )
        default:
            return OpenAIError(
                .httpStatus, "\(endpoint.absoluteString) rejected the request to \(path) (HTTP \(status)\(said)).",
                endpoint: endpoint, status: status, serverMessage: message
            )
        }
    }

    private func isAboutModel(_ message: String?) -> Bool {
        guard let message = message?.lowercased() else { return false }
        return message.contains("model") || message.contains(configuration.model.lowercased())
    }

    /// The model ids `GET /models` lists at `endpoint`, or nil when it cannot say (one try, no retries).
    func servedModels(at endpoint: URL) async -> [String]? {
        guard let response = try? await exchange(method: .get, url: endpoint.appendingPathComponent("models"), body: nil, endpoint: endpoint),
              response.status == 200,
              let list = try? JSONDecoder().decode(OpenAIWire.ModelList.self, from: response.body)
        else { return nil }
        return list.data.map(\.id)
    }
}
