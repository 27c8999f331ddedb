import Foundation
import Testing
import TKTesting

/// `truthkit calibrate` and `truthkit selfeval` on small real runs of the default model: they read
/// stored runs back (never re-scoring) and print the documented JSON keys; bad run ids are errors
/// that say what to do.
@Suite(.serialized, .enabled(if: TestEnvironment.modelAvailable, "\(TestEnvironment.missingModelMessage)"))
struct CalibrationCLITests {
    @Test func calibrateReadsAStoredMCRunAndSelfevalAStoredGenerationRun() throws {
        let cli = try CLIRunner()
        let eval = try cli.run(["eval", "--model", TestEnvironment.modelPath, "--limit", "4", "--json", "--threads", "1"])
        #expect(eval.status == 0, "stderr: \(eval.stderr.suffix(2000))")
        let runID = try #require(try eval.json()["run_id"] as? Int)

        let out = cli.home.appendingPathComponent("calibration")
        let calibrate = try cli.run(["calibrate", String(runID), "--json", "--bins", "2", "--scheme", "equal-width", "--folds", "2", "--out", out.path])
        #expect(calibrate.status == 0, "stderr: \(calibrate.stderr.suffix(2000))")
        let report = try calibrate.json()
        for key in ["ece", "rms_ce", "brier", "aurc", "n", "bins", "by_category", "temperature_scaled", "intervals"] {
            #expect(report[key] != nil, "missing \(key)")
        }
        #expect(report["n"] as? Int == 4)
        let bins = try #require(report["bins"] as? [[String: Any]])
        #expect(bins.reduce(0) { $0 + ($1["count"] as? Int ?? 0) } == 4)
        // The per-item file agrees with the summary: accuracy is the mean of `correct`.
        let lines = try String(contentsOf: out.appendingPathComponent("items.jsonl"), encoding: .utf8).split(separator: "\n")
        let items = try lines.map { try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
        #expect(items.map { $0["index"] as? Int } == [0, 1, 2, 3])
        let correct = items.filter { $0["correct"] as? Bool == true }.count
        #expect(abs((report["accuracy"] as? Double ?? -1) - Double(correct) / 4) < 1e-12)

        let missing = try cli.run(["calibrate", "999"])
        #expect(missing.status != 0 && missing.stderr.contains("no run 999") && missing.stderr.contains("runs list"))

        let generation = try cli.run(["eval", "--model", TestEnvironment.modelPath, "--task", "truthfulqa-gen", "--limit", "2",
                                      "--max-tokens", "8", "--json", "--threads", "1"])
        #expect(generation.status == 0, "stderr: \(generation.stderr.suffix(2000))")
        let answersID = try #require(try generation.json()["run_id"] as? Int)
        let wrongTask = try cli.run(["calibrate", String(answersID)])
        #expect(wrongTask.status != 0 && wrongTask.stderr.contains("truthfulqa-gen"))
        let selfeval = try cli.run(["selfeval", String(answersID), "--model", TestEnvironment.modelPath, "--labels", "bleu", "--json", "--threads", "1"])
        #expect(selfeval.status == 0, "stderr: \(selfeval.stderr.suffix(2000))")
        let p = try selfeval.json()
        #expect(p["labels"] as? String == "bleu_acc" && p["n"] as? Int == 2 && p["answers_run_id"] as? Int == answersID)
        #expect((p["mean_confidence"] as? Double).map { (0...1).contains($0) } == true)
        let badLabels = try cli.run(["selfeval", String(answersID), "--labels", "vibes"])
        #expect(badLabels.status != 0 && badLabels.stderr.contains("bleu"))
    }
}
