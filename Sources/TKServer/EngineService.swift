import Foundation
import TKEngine
import TKKernels

/// The engine behind the server: owns a small pool of inference sessions on one model and runs
/// every request's work on one dedicated thread.
///
/// Scheduling — why it looks like this:
/// - Requests wait in one FIFO queue, so none starves; at most `maxActiveSequences` run at once
///   and they take turns one step each (a prefill, or one generated token), so a long generation
///   does not hold up a short one. The queue is bounded: past `maxQueuedJobs` waiting jobs,
///   `submit` refuses with 503 at once instead of letting latency grow without limit.
/// - One thread runs every forward pass: the kernels already spread each product over the cores
///   (`threads`), so running sequences in parallel would only make them fight for the same cores,
///   and the forward passes stay off Swift's cooperative pool, which serves the HTTP side.
/// - Prefix cache: each session keeps its KV cache after a job. A new job takes the idle session
///   whose cached tokens share the longest prefix with its prompt and recomputes only the rest
///   (a conversation's next turn, or a few-shot primer shared by many requests). Scoring jobs
///   (`promptLogprobs`) need every prompt position's output, so they always run from an empty
///   cache in one pass: their numbers equal `InferenceSession.scoreSequence` and never depend on
///   which requests came before.
/// - Sessions grow their caches only as far as the prompts and `max_tokens` the limits allow, so
///   memory is bounded by `maxActiveSequences × context`.
public final class EngineService: @unchecked Sendable {
    // @unchecked: every mutable field below is guarded by `condition`, and the sessions, hooks
    // and runs are touched only by the engine thread.
    public let model: TransformerModel
    public let maxActiveSequences: Int
    public let maxQueuedJobs: Int

    private let condition = NSCondition()
    private var waiting: [Pending] = []
    private var waitingHead = 0
    private var activeCount = 0
    private var stopping = false
    private var stopped = false
    private var thread: Thread?
    private var completedJobs = 0

    // Engine-thread state.
    private let hooks: Hooks
    /// A decoding-time intervention's processor factory (DoLa, contrastive decoding), called once per job.
    private let decoding: DecodingRule?

    /// Makes the `LogitsProcessor` of one generation: given the job's session, its prompt as text
    /// and as tokens. Processors keep per-generation state, so every job gets its own.
    public typealias DecodingRule = @Sendable (InferenceSession, String, [Int32]) throws -> (any LogitsProcessor)?

    /// Whether generated tokens come from a decoding rule (then prompt log-probabilities, which
    /// are the plain model's, are refused rather than mixed with the rule's).
    public var hasDecodingRule: Bool { decoding != nil }
    private let threads: Int
    /// Activations of generated tokens' decode steps (`--activations int8` opts into 8-bit).
    public let decodeActivations: ActivationPrecision
    private var sessions: [(session: InferenceSession, lastUsed: Int, busy: Bool)] = []
    private var tick = 0

    private struct Pending {
        var job: EngineJob
        var continuation: AsyncStream<EngineEvent>.Continuation
        var cancelled: CancelFlag
    }

    /// - Parameters:
    ///   - threads: kernel threads for each forward pass.
    ///   - maxActiveSequences: jobs that take turns at once (and sessions kept for the prefix cache).
    ///   - maxQueuedJobs: jobs that may wait before new ones are refused.
    ///   - hooks: applied to every forward pass (interventions); called on the engine thread.
    public init(model: TransformerModel, threads: Int = 2, maxActiveSequences: Int = 4, maxQueuedJobs: Int = 256,
                hooks: Hooks = Hooks(), decodeActivations: ActivationPrecision = .float32,
                decoding: DecodingRule? = nil) {
        self.model = model
        self.decoding = decoding
        self.decodeActivations = decodeActivations
        self.threads = max(1, threads)
        self.maxActiveSequences = max(1, maxActiveSequences)
        self.maxQueuedJobs = max(1, maxQueuedJobs)
        self.hooks = hooks
        // The thread holds the service until `shutdown()` ends it.
        let t = Thread { self.runLoop() }
        t.name = "truthkit-engine"
        t.stackSize = 8 << 20
        thread = t
        t.start()
    }

    /// Jobs waiting and running now, and jobs finished since start (for /health).
    public var load: (queued: Int, active: Int, completed: Int) {
        condition.lock()
        defer { condition.unlock() }
        return (waiting.count - waitingHead, activeCount, completedJobs)
    }

    /// Queues `jobs` together (a list prompt's prompts stay adjacent) and returns one event stream
    /// per job. Throws 503 when the queue is full or the engine is shutting down. Dropping a
    /// stream (a client that disconnects) cancels its job at its next step.
    func submit(_ jobs: [EngineJob]) throws(APIError) -> [AsyncStream<EngineEvent>] {
        condition.lock()
        defer { condition.unlock() }
        let queued = waiting.count - waitingHead
        guard !stopping else {
            throw APIError(status: .serviceUnavailable, message: "The server is shutting down; retry against a running server.",
                           type: "server_error", code: "shutting_down")
        }
        guard queued + jobs.count <= maxQueuedJobs else { throw .overloaded(queued: queued) }
        var streams: [AsyncStream<EngineEvent>] = []
        for job in jobs {
            let flag = CancelFlag()
            let (stream, continuation) = AsyncStream.makeStream(of: EngineEvent.self, bufferingPolicy: .unbounded)
            continuation.onTermination = { reason in
                if case .cancelled = reason { flag.set() }
            }
            waiting.append(Pending(job: job, continuation: continuation, cancelled: flag))
            streams.append(stream)
        }
        condition.signal()
        return streams
    }

    /// Stops taking jobs, lets the queued and running ones finish, then ends the engine thread.
    public func shutdown() async {
        beginShutdown()
        while !isStopped {
            try? await Task.sleep(for: .milliseconds(20))
        }
    }

    /// Stops taking jobs; the engine thread ends once the queued and running ones are done.
    public func beginShutdown() {
        condition.withLock {
            stopping = true
            condition.broadcast()
        }
    }

    /// Whether the engine thread has ended.
    public var isStopped: Bool { condition.withLock { stopped } }

    // MARK: Engine thread

    private struct Active {
        var run: SequenceRun
        var cancelled: CancelFlag
        var sessionIndex: Int
    }

    private func runLoop() {
        var active: [Active] = []
        while true {
            condition.lock()
            while waiting.count == waitingHead && active.isEmpty && !stopping { condition.wait() }
            if waiting.count == waitingHead && active.isEmpty && stopping {
                stopped = true
                condition.unlock()
                return
            }
            var admitted: [Pending] = []
            while active.count + admitted.count < maxActiveSequences && waitingHead < waiting.count {
                admitted.append(waiting[waitingHead])
                waitingHead += 1
            }
            if waitingHead > 64 && waitingHead * 2 > waiting.count {
                waiting.removeFirst(waitingHead)
                waitingHead = 0
            }
            activeCount = active.count + admitted.count
            condition.unlock()

            for p in admitted {
                let index = pickSession(for: p.job.prompt)
                let continuation = p.continuation
                let decoding = self.decoding, model = self.model
                let run = SequenceRun(job: p.job, session: sessions[index].session, activations: decodeActivations,
                                      makeProcessor: decoding.map { rule in
                                          { session, prompt in
                                              try rule(session, model.tokenizer.decode(prompt, skipSpecialTokens: true), prompt)
                                          }
                                      }) { event in
                    continuation.yield(event)
                    switch event {
                    case .finished, .failed: continuation.finish()
                    default: break
                    }
                }
                active.append(Active(run: run, cancelled: p.cancelled, sessionIndex: index))
            }
            // One step for each active job, in admission order.
            for a in active {
                if a.cancelled.isSet { a.run.cancel() } else { a.run.step(hooks: hooks) }
            }
            let finished = active.filter { $0.run.isDone }
            for f in finished {
                tick += 1
                sessions[f.sessionIndex].busy = false
                sessions[f.sessionIndex].lastUsed = tick
            }
            active.removeAll { $0.run.isDone }
            if !finished.isEmpty {
                condition.lock()
                completedJobs += finished.count
                activeCount = active.count
                condition.unlock()
            }
        }
    }

    /// The idle session whose cache shares the longest prefix with `prompt` (least recently used
    /// among equals), creating one while the pool is below `maxActiveSequences`.
    private func pickSession(for prompt: [Int32]) -> Int {
        var best: Int?
        var bestPrefix = -1
        for (i, s) in sessions.enumerated() where !s.busy {
            let p = s.session.reusablePrefix(of: prompt)
            if p > bestPrefix || (p == bestPrefix && best.map { s.lastUsed < sessions[$0].lastUsed } == true) {
                best = i
                bestPrefix = p
            }
        }
        if (best == nil || bestPrefix == 0) && sessions.count < maxActiveSequences {
            sessions.append((InferenceSession(model: model, threads: threads), 0, false))
            best = sessions.count - 1
        }
        // The pool always has an idle session: at most maxActiveSequences jobs run at once.
        let index = best ?? 0
        sessions[index].busy = true
        return index
    }
}

/// Set once, from any thread, when a job's client has gone away.
final class CancelFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false

    func set() { lock.withLock { value = true } }
    var isSet: Bool { lock.withLock { value } }
}
