/// How often and how patiently transient download failures are retried.
///
/// Transient means: the connection could not be made or broke, the server timed out, or it
/// answered 408, 429, 500, 502, 503 or 504. Anything else (404, 401, a checksum mismatch) fails
/// at once, because asking again gives the same answer.
public struct RetryPolicy: Sendable, Equatable {
    /// Requests in all, the first included; 1 means no retry.
    public var maxAttempts: Int
    /// The wait before the first retry; each later wait doubles, up to `maxDelay`.
    public var initialDelay: Duration
    public var maxDelay: Duration

    public init(maxAttempts: Int, initialDelay: Duration, maxDelay: Duration = .seconds(30)) {
        self.maxAttempts = max(1, maxAttempts)
        self.initialDelay = initialDelay
        self.maxDelay = maxDelay
    }

    /// Four attempts over about 3.5 seconds of waiting.
    public static let standard = RetryPolicy(maxAttempts: 4, initialDelay: .milliseconds(500))

    /// A single attempt.
    public static let never = RetryPolicy(maxAttempts: 1, initialDelay: .zero)

    /// The wait after failed attempt number `attempt` (1-based).
    public func delay(afterAttempt attempt: Int) -> Duration {
        var delay = initialDelay
        for _ in 1..<max(1, attempt) {
            delay = delay * 2
            if delay >= maxDelay { return maxDelay }
        }
        return min(delay, maxDelay)
    }
}
