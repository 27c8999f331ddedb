import CTKKernels

/// The instruction-set level the kernels run at, from cpuid (never from a BLAS's CPU table).
///
/// `.avx512` needs AVX-512 F, BW and VL (plus AVX2 and FMA); `.avx2` needs AVX2 and FMA; anything
/// else is `.baseline`. `TRUTHKIT_ISA=avx512|avx2|baseline` selects a lower level than the CPU
/// has (tests and comparisons cover each path that way); a higher one than detected is refused.
public enum KernelISA: String, Codable, Sendable, CaseIterable, Comparable {
    case baseline, avx2, avx512

    /// The environment variable that forces a lower level.
    public static let environmentKey = "TRUTHKIT_ISA"

    var rank: Int {
        switch self {
        case .baseline: 0
        case .avx2: 1
        case .avx512: 2
        }
    }

    public static func < (a: KernelISA, b: KernelISA) -> Bool { a.rank < b.rank }

    /// The highest level `features` supports.
    public static func detect(_ features: CPUFeatures) -> KernelISA {
        if features.avx512f && features.avx512bw && features.avx512vl && features.avx2 && features.fma { return .avx512 }
        if features.avx2 && features.fma { return .avx2 }
        return .baseline
    }

    /// The OPENBLAS_CORETYPE that runs this level's sgemm kernels on `cpu`, or nil to leave the
    /// choice to OpenBLAS (a CPU without AVX2 is old enough for every OpenBLAS to know it).
    /// `forced`: the level was lowered by `TRUTHKIT_ISA`, so a lower core must be named explicitly.
    public func openBLASCoreType(on cpu: CPUFeatures, forced: Bool) -> String? {
        switch self {
        case .avx512: return "SkylakeX"
        case .avx2: return cpu.vendor == "AuthenticAMD" || cpu.vendor == "HygonGenuine" ? "Zen" : "Haswell"
        case .baseline:
            guard forced else { return nil }
            return cpu.avx ? "Sandybridge" : "Nehalem"
        }
    }
}

/// The processor's identity and the features the kernels care about (cpuid; all false off x86-64).
public struct CPUFeatures: Codable, Sendable, Equatable {
    public var vendor: String
    public var brand: String
    public var family: Int
    public var model: Int
    public var stepping: Int
    public var sse3, ssse3, sse41, sse42, avx, avx2, fma, f16c: Bool
    public var avx512f, avx512bw, avx512vl, avx512dq, avx512vnni, avx512bf16: Bool

    /// The running CPU.
    public static func current() -> CPUFeatures {
        var raw = tk_cpu_features()
        tk_cpu_detect(&raw)
        func text<T>(_ tuple: T) -> String {
            withUnsafeBytes(of: tuple) { bytes in
                String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
            }
        }
        return CPUFeatures(
            vendor: text(raw.vendor), brand: text(raw.brand),
            family: Int(raw.family), model: Int(raw.model), stepping: Int(raw.stepping),
            sse3: raw.sse3 != 0, ssse3: raw.ssse3 != 0, sse41: raw.sse41 != 0, sse42: raw.sse42 != 0,
            avx: raw.avx != 0, avx2: raw.avx2 != 0, fma: raw.fma != 0, f16c: raw.f16c != 0,
            avx512f: raw.avx512f != 0, avx512bw: raw.avx512bw != 0, avx512vl: raw.avx512vl != 0,
            avx512dq: raw.avx512dq != 0, avx512vnni: raw.avx512vnni != 0, avx512bf16: raw.avx512bf16 != 0)
    }

    /// The features present, named as Linux's /proc/cpuinfo names them.
    public var flagNames: [String] {
        let all: [(String, Bool)] = [
            ("sse3", sse3), ("ssse3", ssse3), ("sse4_1", sse41), ("sse4_2", sse42), ("avx", avx), ("avx2", avx2),
            ("fma", fma), ("f16c", f16c), ("avx512f", avx512f), ("avx512bw", avx512bw), ("avx512vl", avx512vl),
            ("avx512dq", avx512dq), ("avx512_vnni", avx512vnni), ("avx512_bf16", avx512bf16),
        ]
        return all.filter(\.1).map(\.0)
    }
}
