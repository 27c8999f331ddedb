import Foundation
import Testing
@testable import TKKernels

/// ISA detection, the BLAS core it selects, and the product that core computes.
@Suite struct KernelSystemTests {
    /// /proc/cpuinfo's first "flags" line and the first value of `key` (Linux only).
    static func cpuinfo() -> (flags: Set<String>, fields: [String: String])? {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else { return nil }
        var fields: [String: String] = [:]
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: ":", maxSplits: 1)
            guard parts.count == 2 else { continue }
            let key = parts[0].trimmingCharacters(in: .whitespaces)
            if fields[key] == nil { fields[key] = parts[1].trimmingCharacters(in: .whitespaces) }
        }
        guard let flags = fields["flags"] else { return nil }
        return (Set(flags.split(separator: " ").map(String.init)), fields)
    }

    @Test func cpuidAgreesWithProcCpuinfo() throws {
        guard let info = Self.cpuinfo() else { return }  // not Linux: nothing to compare with
        let cpu = CPUFeatures.current()
        let pairs: [(String, Bool)] = [
            ("pni", cpu.sse3), ("ssse3", cpu.ssse3), ("sse4_1", cpu.sse41), ("sse4_2", cpu.sse42),
            ("avx", cpu.avx), ("avx2", cpu.avx2), ("fma", cpu.fma), ("f16c", cpu.f16c),
            ("avx512f", cpu.avx512f), ("avx512bw", cpu.avx512bw), ("avx512vl", cpu.avx512vl),
            ("avx512dq", cpu.avx512dq), ("avx512_vnni", cpu.avx512vnni), ("avx512_bf16", cpu.avx512bf16),
        ]
        for (flag, detected) in pairs {
            #expect(info.flags.contains(flag) == detected, "\(flag): cpuinfo \(info.flags.contains(flag)), cpuid \(detected)")
        }
        #expect(info.fields["cpu family"] == String(cpu.family))
        #expect(info.fields["model"] == String(cpu.model))
        #expect(info.fields["vendor_id"] == cpu.vendor)
        let expected: KernelISA = ["avx512f", "avx512bw", "avx512vl", "avx2", "fma"].allSatisfy(info.flags.contains)
            ? .avx512 : (["avx2", "fma"].allSatisfy(info.flags.contains) ? .avx2 : .baseline)
        #expect(KernelISA.detect(cpu) == expected)
        #expect(KernelSystem.report().isa_detected == expected.rawValue)
    }

    @Test func detectionNeedsEveryFeatureOfALevel() {
        var cpu = CPUFeatures.current()
        for keyPath in [\CPUFeatures.avx512f, \.avx512bw, \.avx512vl, \.avx2, \.fma] { cpu[keyPath: keyPath] = true }
        #expect(KernelISA.detect(cpu) == .avx512)
        cpu.avx512bw = false
        #expect(KernelISA.detect(cpu) == .avx2, "AVX-512 F without BW is not the avx512 level")
        cpu.fma = false
        #expect(KernelISA.detect(cpu) == .baseline, "AVX2 without FMA is baseline")
    }

    @Test func coreTypesPerLevel() {
        var cpu = CPUFeatures.current()
        cpu.vendor = "GenuineIntel"
        cpu.avx = true
        #expect(KernelISA.avx512.openBLASCoreType(on: cpu, forced: false) == "SkylakeX")
        #expect(KernelISA.avx2.openBLASCoreType(on: cpu, forced: false) == "Haswell")
        #expect(KernelISA.baseline.openBLASCoreType(on: cpu, forced: false) == nil)
        #expect(KernelISA.baseline.openBLASCoreType(on: cpu, forced: true) == "Sandybridge")
        cpu.vendor = "AuthenticAMD"
        #expect(KernelISA.avx2.openBLASCoreType(on: cpu, forced: false) == "Zen")
        for core in ["SkylakeX", "Haswell", "Zen", "Cooperlake", "SapphireRapids"] {
            #expect(!KernelSystem.isSlowCore(core), "\(core)")
        }
        for core in ["Prescott", "Nehalem", "Core2", "Sandybridge", "generic"] {
            #expect(KernelSystem.isSlowCore(core), "\(core)")
        }
    }

    @Test func settingParses() {
        #expect(KernelSystem.parseSetting(nil).isa == nil)
        #expect(KernelSystem.parseSetting("AVX-512").isa == .avx512)
        #expect(KernelSystem.parseSetting("avx2").isa == .avx2)
        #expect(KernelSystem.parseSetting("baseline").isa == .baseline)
        #expect(KernelSystem.parseSetting("avx9").invalid)
    }

    /// The failure of issue 11: an AVX2/AVX-512 CPU must not run OpenBLAS's SSE kernels, and the
    /// core TruthKit asks for is the one OpenBLAS reports using.
    @Test func blasCoreMatchesTheISA() throws {
        let report = KernelSystem.report()
        try #require(report.blas_library != nil, "no BLAS opened: \(report.warnings)")
        #expect(!report.blas_core.isEmpty)
        if report.blas_coretype_env == nil, KernelISA(rawValue: report.isa)! >= .avx2 {
            #expect(!KernelSystem.isSlowCore(report.blas_core), "OpenBLAS core \(report.blas_core) on a \(report.isa) CPU")
        }
        if let requested = report.blas_coretype_requested {
            #expect(report.blas_core.lowercased() == requested.lowercased(), "asked for \(requested), OpenBLAS runs \(report.blas_core)")
        }
        if report.isa == "avx512", report.blas_coretype_env == nil {
            #expect(report.blas_core != "Prescott")
        }
        // The core type was set only while OpenBLAS initialised: child processes do not inherit it.
        if report.blas_coretype_env == nil {
            #expect(getenv("OPENBLAS_CORETYPE") == nil)
        }
    }

    /// The BLAS in use (whichever core TRUTHKIT_ISA selected) against the portable loop, in
    /// every transposition and with shapes that are no multiple of any kernel tile.
    @Test(arguments: [(1, 1, 1), (3, 5, 7), (17, 33, 65), (80, 130, 576), (129, 31, 257)])
    func sgemmMatchesPortableLoop(shape: (Int, Int, Int)) {
        let (m, n, k) = shape
        var seed: UInt64 = UInt64(m * 1_000_003 + n * 1009 + k)
        func next() -> Float {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Float(Int64(bitPattern: seed >> 11) % 2001 - 1000) / 1000
        }
        for (ta, tb) in [(false, true), (false, false), (true, false), (true, true)] {
            let lda = (ta ? m : k) + 1, ldb = (tb ? k : n) + 2, ldc = n + 3
            let a = (0..<((ta ? k : m) * lda)).map { _ in next() }
            let b = (0..<((tb ? n : k) * ldb)).map { _ in next() }
            let c = (0..<(m * ldc)).map { _ in next() }
            let fast = BLASCheck.sgemm(transA: ta, transB: tb, m: m, n: n, k: k, alpha: 0.5, a: a, lda: lda,
                                       b: b, ldb: ldb, beta: 2, c: c, ldc: ldc)
            let slow = BLASCheck.sgemm(transA: ta, transB: tb, m: m, n: n, k: k, alpha: 0.5, a: a, lda: lda,
                                       b: b, ldb: ldb, beta: 2, c: c, ldc: ldc, portable: true)
            var worst: Float = 0
            for row in 0..<m {
                for col in 0..<ldc {
                    let i = row * ldc + col
                    if col >= n {
                        #expect(fast[i] == c[i], "padding column \(col) of row \(row) was written")
                    } else {
                        worst = max(worst, abs(fast[i] - slow[i]) / (1 + abs(slow[i])))
                    }
                }
            }
            #expect(worst < 2e-5, "\(m)x\(n)x\(k) transA \(ta) transB \(tb): \(worst)")
        }
        // The portable loop against a hand computation: a 2×2 product.
        let p = BLASCheck.sgemm(transA: false, transB: false, m: 2, n: 2, k: 2, alpha: 1, a: [1, 2, 3, 4], lda: 2,
                                b: [5, 6, 7, 8], ldb: 2, beta: 0, c: [9, 9, 9, 9], ldc: 2, portable: true)
        #expect(p == [19, 22, 43, 50])
    }

    @Test func selfCheckIsTight() {
        #expect(BLASCheck.selfCheck() < 2e-5)
    }
}
