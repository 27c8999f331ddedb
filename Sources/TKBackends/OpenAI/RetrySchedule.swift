import Foundation

/// How long to wait before a retry: exponential backoff with full jitter, unless the server
/// said how long with `Retry-After`.
///
/// Full jitter (a uniform wait in 0...min(cap, base·2ⁿ)) rather than a fixed doubling spreads out
/// clients that failed at the same moment — a fleet of eval workers hitting one rate limit —
/// so they do not all come back at once (AWS Architecture Blog, "Exponential Backoff And Jitter").
struct RetrySchedule: Sendable {
    var base: Duration
    var cap: Duration
    var maxRetryAfter: Duration

    /// The wait before retry number `retry` (0-based), with `unit` a random number in 0..<1.
    func backoff(retry: Int, unit: Double) -> Duration {
        var ceiling = base
        for _ in 0..<max(0, retry) {
            ceiling = ceiling * 2
            if ceiling >= cap { break }
        }
        ceiling = min(ceiling, cap)
        return ceiling * min(max(unit, 0), 1)
    }

    /// The server's `Retry-After`, bounded by `maxRetryAfter`.
    func honoured(_ retryAfter: Duration) -> Duration {
        min(max(retryAfter, .zero), maxRetryAfter)
    }

    /// Parses a `Retry-After` header: delay-seconds (`120`, also `1.5` as some servers send) or an
    /// HTTP-date (`Wed, 21 Oct 2015 07:28:00 GMT`, measured from `now`). Nil when unreadable.
    static func parseRetryAfter(_ value: String, now: Date = Date()) -> Duration? {
        let text = value.trimmingCharacters(in: .whitespaces)
        if let seconds = Double(text), seconds.isFinite, seconds >= 0 {
            return .milliseconds(Int64((seconds * 1000).rounded()))
        }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        for format in ["EEE, dd MMM yyyy HH:mm:ss zzz", "EEEE, dd-MMM-yy HH:mm:ss zzz", "EEE MMM d HH:mm:ss yyyy"] {
            formatter.dateFormat = format
            if let date = formatter.date(from: text) {
                let seconds = max(0, date.timeIntervalSince(now))
                return .milliseconds(Int64((seconds * 1000).rounded()))
            }
        }
        return nil
    }
}
