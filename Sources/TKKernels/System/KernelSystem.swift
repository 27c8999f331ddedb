import CTKKernels
import Foundation

/// What the kernels run on in this process: the CPU, the ISA level chosen, and the BLAS core that
/// actually multiplies (OpenBLAS's own `openblas_get_corename()`), as `truthkit bench --json` and
/// `truthkit inspect --system` report it. Snake-case keys, as in the rest of the JSON output.
public struct KernelSystemReport: Codable, Sendable {
    /// Processor brand string, e.g. "Intel(R) Xeon(R) Platinum 8581C CPU @ 2.10GHz".
    public var cpu_model: String
    public var cpu_vendor: String
    /// Display family and model, as /proc/cpuinfo shows them ("cpu family", "model").
    public var cpu_family: Int
    public var cpu_model_number: Int
    /// Features detected with cpuid (and enabled by the OS), /proc/cpuinfo names.
    public var cpu_flags: [String]
    /// The highest level the CPU supports.
    public var isa_detected: String
    /// The level in use: `isa_detected`, or lower when TRUTHKIT_ISA asks for it.
    public var isa: String
    /// TRUTHKIT_ISA as set in the environment (nil when unset).
    public var isa_setting: String?
    /// The quantised dot-product and dequantisation kernels (TruthKit's own C code) are built for this.
    public var quant_kernels: String
    /// The BLAS library opened at run time (nil when none was found: sgemm then runs a portable loop).
    public var blas_library: String?
    /// OpenBLAS's core in use, from openblas_get_corename() (e.g. "SkylakeX", "Haswell", "Prescott").
    public var blas_core: String
    /// openblas_get_config(): version and build options.
    public var blas_config: String
    /// The OPENBLAS_CORETYPE that TruthKit set while OpenBLAS initialised (nil: none set).
    public var blas_coretype_requested: String?
    /// OPENBLAS_CORETYPE from the user's environment, which TruthKit respects (nil when unset).
    public var blas_coretype_env: String?
    /// Threads of the process-wide kernel pool (the calling thread included; 0 before any session
    /// started it); BLAS runs single-threaded.
    public var kernel_pool_threads: Int
    /// Problems worth a user's attention (also printed once on stderr).
    public var warnings: [String]
}

/// Detects the ISA and opens the BLAS once per process, before the first kernel runs.
public enum KernelSystem {
    struct State: Sendable {
        let cpu: CPUFeatures
        let detected: KernelISA
        let isa: KernelISA
        let setting: String?
        let requestedCore: String?
        let userCore: String?
        let library: String?
        let core: String
        let config: String
        let warnings: [String]
    }

    /// OpenBLAS cores whose sgemm is SSE-only (or AVX without FMA): 2–4× slower on an AVX2 CPU.
    static let slowCores: Set<String> = [
        "prescott", "katmai", "coppermine", "northwood", "banias", "core2", "penryn", "dunnington", "nehalem",
        "atom", "opteron", "opteron_sse3", "barcelona", "bobcat", "athlon", "sandybridge", "bulldozer",
        "piledriver", "generic", "unknown",
    ]

    /// Whether `core` (openblas_get_corename) is one of the SSE-era cores.
    public static func isSlowCore(_ core: String) -> Bool {
        slowCores.contains(core.lowercased())
    }

    static let state: State = load()

    /// Opens the BLAS (first call only) and prints any warning once on stderr.
    public static func prepare() { _ = state }

    /// The level the kernels run at in this process.
    public static var isa: KernelISA { state.isa }

    /// Reads TRUTHKIT_ISA: a level, or nil when unset; `invalid` when it names none.
    static func parseSetting(_ value: String?) -> (isa: KernelISA?, invalid: Bool) {
        guard let value, !value.isEmpty else { return (nil, false) }
        let key = value.lowercased().replacingOccurrences(of: "-", with: "").replacingOccurrences(of: "_", with: "")
        switch key {
        case "avx512": return (.avx512, false)
        case "avx2": return (.avx2, false)
        case "baseline", "sse", "generic": return (.baseline, false)
        default: return (nil, true)
        }
    }

    private static func load() -> State {
        let env = ProcessInfo.processInfo.environment
        let cpu = CPUFeatures.current()
        let detected = KernelISA.detect(cpu)
        var warnings: [String] = []
        let setting = env[KernelISA.environmentKey]
        let parsed = parseSetting(setting)
        var isa = detected
        if parsed.invalid {
            warnings.append("\(KernelISA.environmentKey)=\(setting ?? "") is not one of avx512, avx2, baseline; using \(detected.rawValue)")
        } else if let wanted = parsed.isa {
            if wanted > detected {
                warnings.append("\(KernelISA.environmentKey)=\(wanted.rawValue) asks for more than this CPU has; using \(detected.rawValue)")
            } else {
                isa = wanted
            }
        }
        let userCore = env["OPENBLAS_CORETYPE"].flatMap { $0.isEmpty ? nil : $0 }
        let requested = userCore == nil ? isa.openBLASCoreType(on: cpu, forced: isa < detected) : nil
        let loaded = tk_blas_load(env["TRUTHKIT_BLAS_LIBRARY"], requested, 1) == 0
        let core = String(cString: tk_blas_corename())
        let library = loaded ? String(cString: tk_blas_library()) : nil
        if !loaded {
            warnings.append("no BLAS library could be opened (\(String(cString: tk_blas_error()))): matrix products run a slow "
                            + "portable loop; install OpenBLAS (Debian/Ubuntu: apt-get install libopenblas0)")
        } else if isa >= .avx2, isSlowCore(core) {
            let cause = userCore != nil ? "OPENBLAS_CORETYPE=\(userCore!) is set in the environment"
                                        : "this OpenBLAS does not honour OPENBLAS_CORETYPE"
            warnings.append("OpenBLAS runs its \(core) kernels (SSE-era, 2–4× slower) although this CPU has \(isa.rawValue) "
                            + "(\(cause)); unset OPENBLAS_CORETYPE or set it to \(isa.openBLASCoreType(on: cpu, forced: false) ?? "Haswell")")
        }
        #if arch(x86_64)
        if !(cpu.avx2 && cpu.fma && cpu.f16c) {
            warnings.append("this CPU lacks AVX2/FMA/F16C, which TruthKit's quantised kernels are built for")
        }
        #endif
        for warning in warnings {
            FileHandle.standardError.write(Data("truthkit: warning: \(warning)\n".utf8))
        }
        return State(cpu: cpu, detected: detected, isa: isa, setting: setting, requestedCore: requested, userCore: userCore,
                     library: library, core: core, config: String(cString: tk_blas_config()), warnings: warnings)
    }

    /// The report for `truthkit bench --json` and `truthkit inspect --system`.
    public static func report() -> KernelSystemReport {
        let s = state
        #if arch(x86_64)
        let quant = "avx2+fma+f16c"
        #else
        let quant = "portable"
        #endif
        return KernelSystemReport(
            cpu_model: s.cpu.brand, cpu_vendor: s.cpu.vendor, cpu_family: s.cpu.family, cpu_model_number: s.cpu.model,
            cpu_flags: s.cpu.flagNames, isa_detected: s.detected.rawValue, isa: s.isa.rawValue, isa_setting: s.setting,
            quant_kernels: quant, blas_library: s.library, blas_core: s.core, blas_config: s.config,
            blas_coretype_requested: s.requestedCore, blas_coretype_env: s.userCore,
            kernel_pool_threads: Int(tk_pool_shared_threads()), warnings: s.warnings)
    }
}
