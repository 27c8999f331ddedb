import ArgumentParser
import TKEngine

/// `truthkit bench`: prefill and decode throughput and peak memory of the native engine.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure prefill and decode tokens/s and peak memory of the native engine.")

    @OptionGroup var model: ModelOption
    @OptionGroup var engine: EngineOptions

    @Option(help: "Timed repetitions per figure (the median is reported).")
    var repetitions: Int = 3

    @Option(help: "Tokens generated in the decode measurement.")
    var decodeTokens: Int = 64

    @Flag(help: "Print {\"prefill_tokens_per_s\":{\"128\":…,\"512\":…},\"decode_tokens_per_s\":…,\"decode_int8_tokens_per_s\":…,\"peak_rss_mb\":…,\"threads\":…,\"isa\":…,\"blas_core\":…,\"sgemm_gflops\":{…},\"system\":{…}} on stdout.")
    var json = false

    func validate() throws {
        guard repetitions >= 1 else { throw ValidationError("--repetitions must be ≥ 1") }
        guard decodeTokens >= 1 else { throw ValidationError("--decode-tokens must be ≥ 1") }
    }

    func run() async throws {
        let m = try await loadModel(model)
        var bench = EngineBenchmark(model: m, threads: engine.threads)
        bench.repetitions = repetitions
        bench.decodeTokens = decodeTokens
        let result = try bench.run(progress: { printError($0) })
        if json {
            try printJSON(result)
        } else {
            for (n, rate) in result.prefill_tokens_per_s.sorted(by: { Int($0.key)! < Int($1.key)! }) {
                print("prefill \(n) tokens: \(String(format: "%8.1f", rate)) tokens/s")
            }
            print("decode:            \(String(format: "%8.1f", result.decode_tokens_per_s)) tokens/s")
            print("decode, int8 act.: \(String(format: "%8.1f", result.decode_int8_tokens_per_s)) tokens/s (--activations int8)")
            print("peak RSS:          \(String(format: "%8.1f", result.peak_rss_mb)) MB (threads: \(result.threads))")
            for (shape, rate) in result.sgemm_gflops.sorted(by: { $0.key < $1.key }) {
                print("sgemm \(shape):".padding(toLength: 19, withPad: " ", startingAt: 0) + "\(String(format: "%8.1f", rate)) GFLOP/s (1 thread)")
            }
            print("CPU:               \(result.system.cpu_model) (ISA \(result.isa), OpenBLAS core \(result.blas_core))")
        }
    }
}
