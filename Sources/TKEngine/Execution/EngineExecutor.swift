import Foundation

/// A serial executor on a dedicated thread: an actor that owns an engine (`NativeModel`) runs its
/// forward passes here, never on Swift's cooperative pool.
///
/// A forward pass is long, synchronous work (seconds for a long prompt). On the cooperative pool —
/// one thread per core, shared by every task in the process — it starves everything else: HTTP
/// clients time out, progress stops, a test's fake server cannot answer. With its own thread the
/// engine computes while the pool stays free for the rest.
///
/// The thread lives as long as the executor; `stop()` ends it once the queued jobs have run (the
/// owning actor calls it from `deinit`).
public final class EngineExecutor: SerialExecutor, @unchecked Sendable {
    private let condition = NSCondition()
    // Guarded by `condition`.
    private var jobs: [UnownedJob] = []
    private var stopped = false

    public init(name: String = "truthkit.engine") {
        // Named from inside: on Linux a name set before `start()` is not what `Thread.current` reports.
        let thread = Thread { [self] in
            Thread.current.name = name
            loop()
        }
        // Deep recursion is not expected, but the kernels keep large stack buffers in places.
        thread.stackSize = 16 << 20
        thread.start()
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        condition.withLock {
            jobs.append(job)
            condition.signal()
        }
    }

    public func asUnownedSerialExecutor() -> UnownedSerialExecutor {
        UnownedSerialExecutor(ordinary: self)
    }

    /// Lets the thread end after the jobs already queued.
    public func stop() {
        condition.withLock {
            stopped = true
            condition.signal()
        }
    }

    private func loop() {
        while true {
            condition.lock()
            while jobs.isEmpty && !stopped { condition.wait() }
            if jobs.isEmpty {
                condition.unlock()
                return
            }
            let job = jobs.removeFirst()
            condition.unlock()
            job.runSynchronously(on: asUnownedSerialExecutor())
        }
    }
}
