import Foundation

/// The clock, the sleep and the randomness behind retries and endpoint cool-downs.
///
/// Injected so tests can run a client through minutes of backoff in milliseconds: a virtual
/// clock whose `sleep` advances `now` instead of waiting. Production uses `.system`.
public struct OpenAITiming: Sendable {
    /// Monotonic time since an arbitrary origin.
    public var now: @Sendable () -> Duration
    /// Waits `duration` (or pretends to); throws `CancellationError` when the task is cancelled.
    public var sleep: @Sendable (Duration) async throws -> Void
    /// A uniform random number in 0..<1, for backoff jitter.
    public var random: @Sendable () -> Double

    public init(
        now: @escaping @Sendable () -> Duration, sleep: @escaping @Sendable (Duration) async throws -> Void,
        random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }
    ) {
        self.now = now
        self.sleep = sleep
        self.random = random
    }

    /// The continuous clock and `Task.sleep`.
    public static let system: OpenAITiming = {
        let origin = ContinuousClock.now
        return OpenAITiming(
            now: { ContinuousClock.now - origin },
            sleep: { duration in if duration > .zero { try await Task.sleep(for: duration) } }
        )
    }()
}
