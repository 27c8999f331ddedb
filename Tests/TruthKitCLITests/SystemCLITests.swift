import Foundation
import Testing
import TKTesting

/// `truthkit inspect --system` under each ISA level this machine can run (TRUTHKIT_ISA), and the
/// engine's numbers on a forced lower path against the default one.
@Suite(.serialized) struct SystemCLITests {
    static func system(_ cli: CLIRunner, isa: String?) throws -> [String: Any] {
        let result = try cli.run(["inspect", "--system", "--json"], extraEnvironment: isa.map { ["TRUTHKIT_ISA": $0] } ?? [:])
        #expect(result.status == 0, "stderr: \(result.stderr.suffix(2000))")
        return try result.json()
    }

    static let levels = ["baseline", "avx2", "avx512"]

    @Test func everyRunnableLevelReportsItsCoreAndMultipliesCorrectly() throws {
        let cli = try CLIRunner()
        let plain = try Self.system(cli, isa: nil)
        let info = try #require(plain["system"] as? [String: Any])
        let detected = try #require(info["isa_detected"] as? String)
        #expect(info["isa"] as? String == detected)
        let userCore = info["blas_coretype_env"] as? String
        let runnable = Self.levels.prefix(through: try #require(Self.levels.firstIndex(of: detected)))
        var cores: [String: String] = [:]
        for level in runnable {
            let report = try Self.system(cli, isa: level)
            let s = try #require(report["system"] as? [String: Any])
            #expect(s["isa"] as? String == level)
            #expect(s["isa_setting"] as? String == level)
            #expect((report["sgemm_check_max_error"] as? Double ?? 1) < 2e-5, "\(level): \(report)")
            let core = try #require(s["blas_core"] as? String)
            cores[level] = core
            if let userCore {
                #expect(s["blas_coretype_env"] as? String == userCore)
            } else if let requested = s["blas_coretype_requested"] as? String {
                #expect(core.lowercased() == requested.lowercased(), "\(level): asked for \(requested), OpenBLAS runs \(core)")
            }
        }
        if userCore == nil, detected != "baseline" {
            // Forcing baseline really leaves the AVX2/AVX-512 kernels.
            #expect(cores["baseline"] != cores[detected], "\(cores)")
            #expect(!["Prescott", "Nehalem", "Sandybridge", "Core2"].contains(cores[detected] ?? ""), "\(cores)")
        }
        // Asking for more than the CPU has is refused with a warning, not obeyed.
        if detected != "avx512" {
            let over = try cli.run(["inspect", "--system", "--json"], extraEnvironment: ["TRUTHKIT_ISA": "avx512"])
            #expect(((try over.json())["system"] as? [String: Any])?["isa"] as? String == detected)
            #expect(over.stderr.contains("asks for more than this CPU has"))
        }
        let text = try cli.run(["inspect", "--system"])
        #expect(text.status == 0 && text.stdout.contains("BLAS core") && text.stdout.contains("ISA"))
    }

    /// The same text scored on the default path and on the lowest forced path: the same tokens and
    /// log-probabilities within float32 summation-order noise.
    @Test(.enabled(if: TestEnvironment.modelAvailable, "\(TestEnvironment.missingModelMessage)"))
    func forcedBaselineScoresLikeTheDefaultPath() throws {
        let cli = try CLIRunner()
        let arguments = ["logprobs", "--model", TestEnvironment.modelPath, "--threads", "1", "--json",
                         "--text", "Q: What happens if you eat watermelon seeds?\nA: The seeds pass through your digestive system."]
        func scores(_ isa: String?) throws -> [(Int, Double)] {
            let result = try cli.run(arguments, extraEnvironment: isa.map { ["TRUTHKIT_ISA": $0] } ?? [:])
            #expect(result.status == 0, "stderr: \(result.stderr.suffix(2000))")
            let tokens = try #require(try result.json()["tokens"] as? [[String: Any]])
            return tokens.map { (($0["id"] as? Int) ?? -1, ($0["logprob"] as? Double) ?? .nan) }
        }
        let fast = try scores(nil), slow = try scores("baseline")
        #expect(fast.count > 10 && fast.count == slow.count)
        #expect(fast.map(\.0) == slow.map(\.0))
        let worst = zip(fast, slow).dropFirst().map { abs($0.1 - $1.1) }.max() ?? .nan
        #expect(worst < 1e-3, "largest log-prob difference \(worst)")
    }
}
