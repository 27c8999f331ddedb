import Foundation
import TKKernels

/// Measures prefill and decode speed of the native engine on one model.
///
/// Prefill: a fresh cache, `n` real tokens in one forward pass, logits for the last position (as
/// llama.cpp computes by default). Decode: after a short prompt, one token per forward pass with
/// full logits and argmax. Each figure is the median of `repetitions` timed runs after a warm-up.
public struct EngineBenchmark {
    public struct Result: Codable, Sendable {
        public var prefill_tokens_per_s: [String: Double]
        /// Decode with exact float32 activations (the default everywhere).
        public var decode_tokens_per_s: Double
        /// Decode with 8-bit activations (`--activations int8`, llama.cpp's scheme): opt-in speed.
        public var decode_int8_tokens_per_s: Double
        public var peak_rss_mb: Double
        public var threads: Int
        public var model: String
        /// The ISA level the kernels run at (cpuid, lowered by TRUTHKIT_ISA) and OpenBLAS's core in
        /// use (`openblas_get_corename()`): the two facts that decide the figures above.
        public var isa: String
        public var blas_core: String
        /// Single-threaded sgemm GFLOP/s in the engine's shapes, keyed "MxNxK" (x `M × K` times a
        /// weight tile `N × K`, transposed), as each kernel worker calls it.
        public var sgemm_gflops: [String: Double]
        /// CPU, ISA and BLAS in full (`truthkit inspect --system`).
        public var system: KernelSystemReport
    }

    public var prefillSizes: [Int] = [128, 512]
    public var decodeTokens: Int = 64
    public var repetitions: Int = 3
    public let model: TransformerModel
    public let threads: Int

    public init(model: TransformerModel, threads: Int) {
        self.model = model
        self.threads = threads
    }

    /// Real text tokens, repeated to reach `count`.
    func sampleTokens(_ count: Int) -> [Int32] {
        let text = "Q: What happens if you eat watermelon seeds?\nA: The watermelon seeds pass through your digestive system. "
            + "Most scientists agree that the seeds are harmless, and nothing in particular happens to people who swallow them. "
        var ids = model.tokenizer.encode(text, addSpecial: false)
        while ids.count < count { ids += ids }
        return Array(ids.prefix(count))
    }

    public func run(progress: (String) -> Void = { _ in }) throws -> Result {
        let session = InferenceSession(model: model, threads: threads)
        var prefill: [String: Double] = [:]
        for n in prefillSizes {
            let tokens = sampleTokens(n)
            var times: [Double] = []
            for rep in 0...repetitions {
                session.reset()
                let start = DispatchTime.now().uptimeNanoseconds
                let hidden = try session.forward(.sequence(tokens, startingAt: 0, outputs: .last))
                _ = session.logits(fromHidden: hidden)
                let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
                if rep > 0 { times.append(seconds) }  // rep 0 warms caches and page-ins
            }
            prefill[String(n)] = Double(n) / median(times)
            progress("prefill \(n): \(String(format: "%.1f", prefill[String(n)]!)) tokens/s")
        }
        let decode = try decodeRate(session, activations: .float32)
        progress("decode: \(String(format: "%.1f", decode)) tokens/s")
        let decodeInt8 = try decodeRate(session, activations: .int8)
        progress("decode (8-bit activations): \(String(format: "%.1f", decodeInt8)) tokens/s")
        let peak = ProcessMemory.peakResidentMegabytes()
        var gflops: [String: Double] = [:]
        for (m, n, k) in sgemmShapes {
            gflops["\(m)x\(n)x\(k)"] = KernelBenchmark.sgemmGFLOPS(m: m, n: n, k: k)
        }
        let system = KernelSystem.report()
        progress("sgemm (\(system.blas_core), isa \(system.isa)): "
                 + gflops.sorted { $0.key < $1.key }.map { "\($0.key) \(String(format: "%.1f", $0.value)) GFLOP/s" }.joined(separator: ", "))
        return Result(prefill_tokens_per_s: prefill, decode_tokens_per_s: decode, decode_int8_tokens_per_s: decodeInt8,
                      peak_rss_mb: peak, threads: threads, model: model.path,
                      isa: system.isa, blas_core: system.blas_core, sgemm_gflops: gflops, system: system)
    }

    /// (rows, weight rows, columns): a scoring batch and a prefill against the feed-forward
    /// up/gate weights, and a prefill against the down projection.
    var sgemmShapes: [(Int, Int, Int)] {
        let c = model.config
        return [(80, c.hiddenDim, c.dim), (512, c.hiddenDim, c.dim), (512, c.dim, c.hiddenDim)]
    }

    /// Median tokens/s of greedy decode steps (full logits + argmax) after a short prompt.
    func decodeRate(_ session: InferenceSession, activations: ActivationPrecision) throws -> Double {
        var rates: [Double] = []
        let prompt = sampleTokens(16)
        for rep in 0...repetitions {
            session.reset()
            session.compute.activationPrecision = .float32
            var hidden = try session.forward(.sequence(prompt, startingAt: 0, outputs: .last))
            session.compute.activationPrecision = activations
            defer { session.compute.activationPrecision = .float32 }
            let start = DispatchTime.now().uptimeNanoseconds
            for _ in 0..<decodeTokens {
                let next = Sampler.argmax(session.logits(fromHidden: hidden).row(0))
                hidden = try session.forward(.sequence([next], startingAt: session.length, outputs: .last))
            }
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            if rep > 0 { rates.append(Double(decodeTokens) / seconds) }
        }
        return median(rates)
    }

    func median(_ xs: [Double]) -> Double {
        let s = xs.sorted()
        return s.isEmpty ? 0 : (s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2)
    }
}

/// Peak resident memory of this process, from /proc (Linux) — what `bench` reports.
public enum ProcessMemory {
    public static func peakResidentMegabytes() -> Double {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
        for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            let kb = line.split(separator: " ").compactMap { Double($0) }.first ?? 0
            return kb / 1024
        }
        return 0
    }
}
