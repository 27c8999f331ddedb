import CTKKernels

/// How the KV cache stores keys and values, and so which values attention reads back.
///
/// The engine keeps its cache in float32 and applies a format by giving attention exactly the
/// values that format would hand back (a simulated store: quantise, then dequantise). The numbers
/// are those of a packed cache; the memory saving is what `bitsPerElement` says a packed cache
/// would hold, not what this process allocates.
///
/// - `f32`: the engine's own cache; attention is unchanged, bit for bit.
/// - `f16`, `q8_0`: each row rounded as it is written (half precision; llama.cpp's Q8_0 blocks of
///   32 channels with a half scale), as llama.cpp's `--cache-type-k/v` store it.
/// - `kivi`: KIVI (Liu et al., ICML 2024) — see `KIVI`.
public enum KVCacheFormat: Sendable, Hashable, CustomStringConvertible {
    case f32
    case f16
    case q8_0
    case kivi(KIVI)

    /// KIVI's asymmetric min-max scheme: keys quantised per channel (each channel's values over
    /// `group` consecutive tokens share a scale and zero-point), values per token (`group`
    /// consecutive channels of one token share them); the newest tokens stay in full precision.
    ///
    /// Which rows a query sees quantised follows KIVI's token-by-token decoding (`models/llama_kivi.py`):
    /// before token p is processed the cache holds p tokens; the keys of the first ⌊p/R⌋·R of them
    /// have been quantised in chunks of R (the residual), the rest wait in full precision; the
    /// values of all but the newest R tokens are quantised (p − R of them, and none while p ≤ R).
    /// Every token — prompt tokens included — sees the cache this way, so a score never depends on
    /// how a text was split into forward passes (KIVI's prefill attends in full precision and only
    /// stores the quantised cache, which would leave log-likelihood scoring untouched).
    public struct KIVI: Sendable, Hashable {
        /// Bits per code: 2 or 4 (KIVI-2, KIVI-4).
        public var bits: Int
        /// Tokens per key group and channels per value group (KIVI's G, 32).
        public var group: Int
        /// Newest tokens kept in full precision (KIVI's R, 128); a multiple of `group`.
        public var residual: Int

        public init(bits: Int, group: Int = 32, residual: Int = 128) {
            precondition([1, 2, 3, 4, 8].contains(bits) && group > 0 && residual >= group && residual % group == 0,
                         "KIVI needs 1–8 bits, a positive group and a residual that is a multiple of it")
            self.bits = bits
            self.group = group
            self.residual = residual
        }

        /// Key rows quantised for the query at position p: ⌊p/R⌋·R.
        public func keyQuantEnd(position p: Int) -> Int { p / residual * residual }
        /// Value rows quantised for the query at position p: max(0, p − R).
        public func valueQuantEnd(position p: Int) -> Int { max(0, p - residual) }
    }

    /// The names `--kv-cache` accepts.
    public static let names = ["f32", "f16", "q8_0", "kivi2", "kivi4"]

    /// The format called `name` (one of `names`, with KIVI's defaults G = 32, R = 128); nil otherwise.
    public init?(name: String) {
        switch name.lowercased() {
        case "f32": self = .f32
        case "f16": self = .f16
        case "q8_0": self = .q8_0
        case "kivi2": self = .kivi(KIVI(bits: 2))
        case "kivi4": self = .kivi(KIVI(bits: 4))
        default: return nil
        }
    }

    public var description: String {
        switch self {
        case .f32: "f32"
        case .f16: "f16"
        case .q8_0: "q8_0"
        case .kivi(let k):
            "kivi\(k.bits)" + (k.group == 32 && k.residual == 128 ? "" : ":group=\(k.group),residual=\(k.residual)")
        }
    }

    /// Storage per cached element of a packed cache: codes plus each group's half-precision scale
    /// (and zero-point for KIVI). KIVI's full-precision residual (R tokens) is left out: it is a
    /// constant, not a per-token cost.
    public var bitsPerElement: Double {
        switch self {
        case .f32: 32
        case .f16: 16
        case .q8_0: 8 + 16.0 / 32
        case .kivi(let k): Double(k.bits) + 2 * 16 / Double(k.group)
        }
    }

    /// Replaces rows `rows` of `m` by the values this format stores, when it stores each row on its
    /// own (f16, q8_0); KIVI's rows depend on their neighbours and are read through
    /// `ComputeContext.attention(…, cacheFormat:…)` instead, and f32 stores rows as they are.
    public func storeRows(_ m: FloatMatrix, _ rows: Range<Int>) {
        precondition(rows.lowerBound >= 0 && rows.upperBound <= m.rows, "storeRows: rows out of range")
        guard !rows.isEmpty else { return }
        let base = m.storage + rows.lowerBound * m.cols
        switch self {
        case .f16: tk_kv_round_f16(base, Int64(rows.count), Int64(m.cols), Int64(m.cols))
        case .q8_0: tk_kv_round_q8_0(base, Int64(rows.count), Int64(m.cols), Int64(m.cols))
        case .f32, .kivi: break
        }
    }
}
