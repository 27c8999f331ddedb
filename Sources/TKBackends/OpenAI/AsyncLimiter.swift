/// At most `limit` holders at once; the rest wait in arrival order.
///
/// Bounds the HTTP requests in flight over every call into one `OpenAIModel` (several `score`
/// calls, or `score` and `generate` running together), which a task group alone cannot.
actor AsyncLimiter {
    private var available: Int
    private var waiters: [CheckedContinuation<Void, Never>] = []

    init(limit: Int) {
        available = max(1, limit)
    }

    func acquire() async {
        if available > 0 {
            available -= 1
            return
        }
        await withCheckedContinuation { waiters.append($0) }
    }

    func release() {
        if waiters.isEmpty {
            available += 1
        } else {
            // The slot passes straight to the longest waiter.
            waiters.removeFirst().resume()
        }
    }

    /// Runs `body` holding one slot (outside the actor: only the bookkeeping is isolated).
    nonisolated func withSlot<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        await acquire()
        do {
            let value = try await body()
            await release()
            return value
        } catch {
            await release()
            throw error
        }
    }
}
