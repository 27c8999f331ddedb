import CTKKernels

/// Thread count and reusable scratch for the kernels of one inference session.
///
/// One context serves one sequence at a time (it is not shared across threads); the scratch grows
/// to the largest tile seen and is then reused, so forward passes do not allocate.
///
/// Threading: OpenBLAS runs single-threaded and we split each product ourselves (weight rows,
/// attention heads) over `threads` workers. With OpenBLAS's own pool, its idle threads spin in
/// `sched_yield` and steal the two cores from our dequantisation and attention code.
public final class ComputeContext {
    /// Workers for matrix products.
    public let threads: Int
    /// Below this many activation rows, quantised blocks are dotted directly; at or above it,
    /// weight tiles are dequantised and multiplied with BLAS sgemm.
    public var gemmThreshold: Int = 8
    /// Activations of short products (decode): exact float32, or 8-bit for speed (opt-in; see
    /// `ActivationPrecision`).
    public var activationPrecision: ActivationPrecision = .float32
    /// Activation rows from which products go back to dequantise + sgemm (see `usesRowGemm`).
    public var rowGemmMaxRows: Int = 256
    /// Weight rows dequantised per sgemm call (bounds scratch memory for the vocabulary head).
    public var tileRows: Int = 2048
    /// Query rows per attention block: keys past the block's last causal position are skipped.
    public var attentionBlockRows: Int = 64

    /// One scratch region per worker (weight tiles, attention scores, dequantised rows).
    var scratch: [UnsafeMutablePointer<Float>]
    var scratchCapacity: Int

    /// Persistent workers; a fresh GCD dispatch per region cost more than a decode step's matmuls.
    /// The process-wide pool: every context shares it (grown to the largest `threads` asked for),
    /// so several sessions or models in one process never run more kernel threads than that.
    let pool: OpaquePointer

    public init(threads: Int) {
        KernelSystem.prepare()  // ISA detection and the BLAS, before the first product
        self.threads = max(1, threads)
        pool = tk_pool_shared(Int32(max(1, threads)))
        tk_blas_set_threads(1)
        scratchCapacity = 1
        scratch = (0..<self.threads).map { _ in .allocate(capacity: 1) }
    }

    deinit {
        scratch.forEach { $0.deallocate() }
    }

    /// Threads of the process-wide pool (the largest `threads` any context asked for).
    var poolThreads: Int { Int(tk_pool_threads(pool)) }

    /// Per-worker scratch of at least `count` floats each.
    func workerScratch(count: Int) -> [SendablePointer<Float>] {
        if count > scratchCapacity {
            scratch.forEach { $0.deallocate() }
            scratch = (0..<threads).map { _ in .allocate(capacity: count) }
            scratchCapacity = count
        }
        return scratch.map { SendablePointer(pointer: $0) }
    }

    /// Runs `body(worker)` for workers `0..<count` (inline when one).
    func parallel(_ count: Int, _ body: @Sendable (Int) -> Void) {
        if count <= 1 {
            for i in 0..<count { body(i) }
            return
        }
        withoutActuallyEscaping(body) { escapable in
            let box = TaskBox(body: escapable)
            withExtendedLifetime(box) {
                tk_pool_run(pool, Int32(count), { ctx, index in
                    Unmanaged<TaskBox>.fromOpaque(ctx!).takeUnretainedValue().body(Int(index))
                }, Unmanaged.passUnretained(box).toOpaque())
            }
        }
    }

    /// Splits `0..<total` into `parts` near-equal contiguous ranges, each a multiple of `align`.
    static func split(_ total: Int, parts: Int, align: Int = 1) -> [Range<Int>] {
        let units = (total + align - 1) / align
        let per = (units + parts - 1) / parts
        return (0..<parts).compactMap { p in
            let a = min(total, p * per * align), b = min(total, (p + 1) * per * align)
            return a < b ? a..<b : nil
        }
    }
}

/// Carries a Swift closure through the C pool's `void *` context.
final class TaskBox {
    let body: @Sendable (Int) -> Void
    init(body: @escaping @Sendable (Int) -> Void) { self.body = body }
}

/// Raw pointers cross into concurrentPerform closures; this wrapper states that each worker writes
/// disjoint memory, which is what makes sharing them safe.
struct SendablePointer<T>: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<T>
}

/// Read-only counterpart of `SendablePointer` (mapped weights, activations being read).
struct SendableRawPointer: @unchecked Sendable {
    let pointer: UnsafeRawPointer
}
