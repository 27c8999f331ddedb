import Foundation

/// The endpoints of one model, handed out round-robin, each with its health.
///
/// An endpoint that fails `unhealthyAfter` times in a row (connection refused, timeouts, 5xx) is
/// left alone for `cooldown` while another endpoint can take its requests; then it gets one
/// request again, and one more failure sends it back (the failure count only resets on a
/// success). A `Retry-After` likewise holds the endpoint back for every request only while
/// another endpoint is available. When none is (a single endpoint, or the last one up), nothing
/// is held back: each failed request waits its own backoff or its own (capped) `Retry-After`, so a
/// server failing every other request slows only the requests that failed, instead of every
/// request waiting out a 30 s cool-down. Requests that fail for their own sake (400, 401, 404) say
/// nothing about the endpoint and leave its health alone.
///
/// The pool also remembers endpoints that refuse `max_tokens: 0`, so scoring asks them for one
/// token from then on instead of failing once per request.
actor EndpointPool {
    struct Endpoint {
        var url: URL
        var consecutiveFailures = 0
        /// Not before this time (the timing's clock).
        var availableAt: Duration = .zero
        var needsOneToken = false
        var lastFailure: String?
        var requests = 0
        var failures = 0
    }

    enum Choice: Equatable {
        case endpoint(Int, URL)
        /// Every endpoint is cooling down; the first is back after this long.
        case wait(Duration)
    }

    private var endpoints: [Endpoint]
    private var next = 0
    private let unhealthyAfter: Int
    private let cooldown: Duration
    private let now: @Sendable () -> Duration

    init(urls: [URL], unhealthyAfter: Int, cooldown: Duration, now: @escaping @Sendable () -> Duration) {
        endpoints = urls.map { Endpoint(url: $0) }
        self.unhealthyAfter = unhealthyAfter
        self.cooldown = cooldown
        self.now = now
    }

    var urls: [URL] { endpoints.map(\.url) }

    /// The next available endpoint after the last one handed out.
    func acquire() -> Choice {
        let time = now()
        for step in 0..<endpoints.count {
            let index = (next + step) % endpoints.count
            if endpoints[index].availableAt <= time {
                next = (index + 1) % endpoints.count
                endpoints[index].requests += 1
                return .endpoint(index, endpoints[index].url)
            }
        }
        let soonest = endpoints.map(\.availableAt).min() ?? time
        return .wait(max(soonest - time, .milliseconds(1)))
    }

    func succeeded(_ index: Int) {
        endpoints[index].consecutiveFailures = 0
    }

    /// Records a transient failure; while another endpoint is available, `retryAfter` holds this
    /// one back at least that long (and `cooldown` after `unhealthyAfter` failures in a row).
    func failed(_ index: Int, reason: String, retryAfter: Duration?) {
        let time = now()
        endpoints[index].consecutiveFailures += 1
        endpoints[index].failures += 1
        endpoints[index].lastFailure = reason
        let othersAvailable = endpoints.indices.contains { $0 != index && endpoints[$0].availableAt <= time }
        guard othersAvailable else { return }
        if endpoints[index].consecutiveFailures >= unhealthyAfter {
            endpoints[index].availableAt = max(endpoints[index].availableAt, time + cooldown)
        }
        if let retryAfter {
            endpoints[index].availableAt = max(endpoints[index].availableAt, time + retryAfter)
        }
    }

    /// Whether every endpoint is cooling down after repeated failures.
    func allUnhealthy() -> Bool {
        endpoints.allSatisfy { $0.consecutiveFailures >= unhealthyAfter }
    }

    func needsOneToken(_ index: Int) -> Bool { endpoints[index].needsOneToken }

    func requireOneToken(_ index: Int) { endpoints[index].needsOneToken = true }

    func requireOneToken(url: URL) {
        for index in endpoints.indices where endpoints[index].url == url { endpoints[index].needsOneToken = true }
    }

    /// Whether the endpoint is cooling down now (for tests and reports).
    func isHealthy(_ index: Int) -> Bool {
        endpoints[index].consecutiveFailures < unhealthyAfter
    }

    /// One line per endpoint with its last failure, for errors that concern them all.
    func summary() -> String {
        endpoints.map { endpoint in
            "  \(endpoint.url.absoluteString): " + (endpoint.lastFailure ?? "no failure recorded")
        }.joined(separator: "\n")
    }

    /// (requests, failures) per endpoint, in configuration order.
    func counters() -> [(requests: Int, failures: Int)] {
        endpoints.map { ($0.requests, $0.failures) }
    }
}
