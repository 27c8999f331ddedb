import Foundation
import Testing
@testable import TKKernels

/// Every ComputeContext runs on one process-wide pool; regions from several threads take turns.
@Suite struct SharedPoolTests {
    @Test func contextsShareOnePoolThatGrows() {
        let a = ComputeContext(threads: 2), b = ComputeContext(threads: 2)
        #expect(a.pool == b.pool)
        let c = ComputeContext(threads: 3)
        #expect(c.pool == a.pool)
        #expect(a.poolThreads >= 3 && a.poolThreads == c.poolThreads)
        #expect(KernelSystem.report().kernel_pool_threads == a.poolThreads)
    }

    /// Four threads, each with its own context, run many regions at once; each region writes its
    /// own slots, so any region that ran twice, ran partly or mixed with another shows up.
    @Test func concurrentRegionsFromSeveralThreadsAreCorrect() {
        let threads = 4, regions = 300, width = 5
        let results = UnsafeMutableBufferPointer<Int>.allocate(capacity: threads * regions * width)
        results.initialize(repeating: 0)
        defer { results.deallocate() }
        let out = SendableBuffer(base: results.baseAddress!)
        DispatchQueue.concurrentPerform(iterations: threads) { t in
            let context = ComputeContext(threads: 2 + t % 2)
            for r in 0..<regions {
                context.parallel(width) { i in
                    out.base[(t * regions + r) * width + i] += 1 + i + r
                }
            }
        }
        var wrong = 0
        for t in 0..<threads {
            for r in 0..<regions {
                for i in 0..<width where results[(t * regions + r) * width + i] != 1 + i + r { wrong += 1 }
            }
        }
        #expect(wrong == 0)
    }

    /// A region started from inside a task of another region runs inline instead of deadlocking.
    @Test func nestedRegionRunsInline() {
        let outer = ComputeContext(threads: 2), inner = UncheckedBox(value: ComputeContext(threads: 2))
        let cells = UnsafeMutableBufferPointer<Int>.allocate(capacity: 4 * 3)
        cells.initialize(repeating: 0)
        defer { cells.deallocate() }
        let out = SendableBuffer(base: cells.baseAddress!)
        outer.parallel(4) { i in
            inner.value.parallel(3) { j in out.base[i * 3 + j] = 10 * i + j }
        }
        #expect(Array(cells) == (0..<4).flatMap { i in (0..<3).map { 10 * i + $0 } })
    }
}

/// The inner context of the nested test, used from the outer region's tasks (inline, one at a time
/// per thread, each writing its own cells).
struct UncheckedBox<T>: @unchecked Sendable {
    let value: T
}

/// Disjoint writes from pool workers (each index is written by one task only).
struct SendableBuffer: @unchecked Sendable {
    let base: UnsafeMutablePointer<Int>
}
