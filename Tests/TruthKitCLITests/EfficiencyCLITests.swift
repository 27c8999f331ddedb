import Foundation
import Testing
import TKTesting

/// `--kv-cache`, `--exit-layer`, `--skip-layers` and `truthkit sweep`: bad values are refused with
/// a message naming them, and a small sweep runs end to end with its JSON keys.
@Suite(.serialized, .enabled(if: TestEnvironment.modelAvailable, "\(TestEnvironment.missingModelMessage)"))
struct EfficiencyCLITests {
    @Test func badEfficiencyOptionsSayWhatIsWrong() throws {
        let cli = try CLIRunner()
        let format = try cli.run(["sweep", "--model", TestEnvironment.modelPath, "--kv-cache", "f32,int3", "--limit", "1"])
        #expect(format.status != 0 && format.stderr.contains("int3") && format.stderr.contains("kivi2"))
        let exit = try cli.run(["eval", "--model", TestEnvironment.modelPath, "--exit-layer", "31", "--limit", "1"])
        #expect(exit.status != 0 && exit.stderr.contains("1...30"), "stderr: \(exit.stderr.suffix(500))")
        let skip = try cli.run(["eval", "--model", TestEnvironment.modelPath, "--skip-layers", "3,x", "--limit", "1"])
        #expect(skip.status != 0 && skip.stderr.contains("'x'"))
    }

    @Test func sweepReportsEverySettingAgainstTheBaseline() throws {
        let cli = try CLIRunner()
        let run = try cli.run(["sweep", "--model", TestEnvironment.modelPath, "--kv-cache", "f32,kivi2", "--exit-layers", "20",
                               "--limit", "2", "--json", "--threads", "1"])
        #expect(run.status == 0, "stderr: \(run.stderr.suffix(2000))")
        let report = try run.json()
        let rows = try #require(report["rows"] as? [[String: Any]])
        #expect(rows.map { $0["label"] as? String } == ["standard", "exit=20", "kv=kivi2", "exit=20,kv=kivi2"])
        let baseline = try #require(report["baseline"] as? [String: Any])
        #expect(rows[0]["run_ids"] as? [Int] == baseline["run_ids"] as? [Int])
        // SmolLM2-135M: 30 blocks, 3 KV heads of 64: f32 2·30·192·4 bytes; KIVI-2 3 bits per element.
        #expect(rows[0]["kv_bytes_per_token"] as? Double == 46080 && rows[2]["kv_bytes_per_token"] as? Double == 4320)
        #expect(rows[1]["layer_fraction"] as? Double == 20.0 / 30)
        let difference = try #require(rows[0]["difference"] as? [String: [String: Any]])
        #expect(difference["mc2"]?["mean_difference"] as? Double == 0)
    }
}
