import Foundation
import Testing
import TKTesting

/// `truthkit eval --task mc --data FILE`: a benchmark that is not TruthfulQA, through the same
/// evaluator, on small files written here (GPQA's real data is gated).
@Suite(.serialized, .enabled(if: TestEnvironment.modelAvailable, "\(TestEnvironment.missingModelMessage)"))
struct GenericMultipleChoiceCLITests {
    @Test func jsonlAndGPQAFilesEvaluateAndResume() throws {
        let cli = try CLIRunner()
        let jsonl = cli.home.appendingPathComponent("arc.jsonl")
        try Data("""
            {"question": "What is the capital of France?", "choices": ["Berlin", "Paris", "Madrid"], "answer": 1, "category": "geography"}
            {"question": "How many legs does a spider have?", "choices": {"text": ["Six", "Eight"], "label": ["A", "B"]}, "answerKey": "B"}

            """.utf8).write(to: jsonl)
        let arguments = ["eval", "--model", TestEnvironment.modelPath, "--task", "mc", "--data", jsonl.path, "--json", "--threads", "1"]
        let first = try cli.run(arguments)
        #expect(first.status == 0, "stderr: \(first.stderr.suffix(2000))")
        let report = try first.json()
        #expect(report["task"] as? String == "mc" && report["items"] as? Int == 2)
        let metrics = try #require(report["metrics"] as? [String: Double])
        #expect(Set(metrics.keys) == ["acc", "acc_norm", "prob_correct"])
        #expect(metrics.values.allSatisfy { (0...1).contains($0) })
        #expect((report["by_category"] as? [String: Any])?.keys.contains("geography") == true)
        // Stored: the second run scores nothing.
        let second = try cli.run(arguments)
        #expect(second.status == 0 && second.stderr.contains("resuming run"))
        #expect(try second.json()["metrics"] as? [String: Double] == metrics)
        #expect(((try second.json()["tokens"] as? [String: Any])?["items_scored"] as? Int) == 0)

        let csv = cli.home.appendingPathComponent("gpqa.csv")
        try Data("""
            Question,Correct Answer,Incorrect Answer 1,Incorrect Answer 2,Incorrect Answer 3,Subdomain
            What is H2O commonly called?,Water,Salt,Sand,Iron,Chemistry

            """.utf8).write(to: csv)
        let gpqa = try cli.run(["eval", "--model", TestEnvironment.modelPath, "--task", "mc", "--data", csv.path, "--seed", "7",
                                "--json", "--threads", "1"])
        #expect(gpqa.status == 0, "stderr: \(gpqa.stderr.suffix(2000))")
        let settings = try #require(try gpqa.json()["settings"] as? [String: String])
        #expect(settings["shuffle_seed"] == "7")

        // Bad input names the file, line and field, and exits non-zero.
        let bad = cli.home.appendingPathComponent("bad.jsonl")
        try Data(#"{"question": "q", "choices": ["only one"], "answer": 0}"#.utf8).write(to: bad)
        let failed = try cli.run(["eval", "--model", TestEnvironment.modelPath, "--task", "mc", "--data", bad.path])
        #expect(failed.status != 0 && failed.stderr.contains("bad.jsonl") && failed.stderr.contains("choices"))
    }

    @Test func methodsListShowsEveryMethodFromTheRegistry() throws {
        let cli = try CLIRunner()
        let result = try cli.run(["methods", "list", "--json"])
        #expect(result.status == 0)
        let methods = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
        #expect(methods.compactMap { $0["name"] as? String } == ["dola", "cd", "icd", "lol", "proxy", "iti", "steer", "caad", "sc", "id", "truth-neurons", "grains"])
        let iti = try #require(methods.first { $0["name"] as? String == "iti" })
        #expect(iti["fitted"] as? Bool == true && iti["fit_command"] as? String == "truthkit iti fit")
        let params = try #require(iti["parameters"] as? [[String: Any]])
        #expect(params.first { $0["name"] as? String == "k" }?["default_value"] as? String == "48")
    }
}

/// An item too long for the model's context: named when it stops the run; with --skip-invalid,
/// skipped, named and counted while the other items are scored.
@Suite(.serialized, .enabled(if: TestEnvironment.modelAvailable, "\(TestEnvironment.missingModelMessage)"))
struct TooLongItemCLITests {
    @Test func tooLongItemsAreNamedAndSkippableWithSkipInvalid() throws {
        let cli = try CLIRunner()
        let data = cli.home.appendingPathComponent("long.jsonl")
        let huge = String(repeating: "word ", count: 9000)
        func record(_ q: String) -> String {
            #"{"question": "\#(q)", "mc1_targets": {"choices": ["Yes.", "No."], "labels": [1, 0]}, "mc2_targets": {"choices": ["Yes.", "No."], "labels": [1, 0]}}"#
        }
        try Data((record("Is the sky blue?") + "\n" + record(huge) + "\n").utf8).write(to: data)
        let base = ["eval", "--model", TestEnvironment.modelPath, "--data", data.path, "--preset", "null", "--threads", "1"]
        let stopped = try cli.run(base)
        #expect(stopped.status != 0 && stopped.stderr.contains("item 1:") && stopped.stderr.contains("context window"),
                "stderr: \(stopped.stderr.suffix(1500))")
        let skipped = try cli.run(base + ["--skip-invalid", "--json"])
        #expect(skipped.status == 0, "stderr: \(skipped.stderr.suffix(1500))")
        #expect(skipped.stderr.contains("item 1:"))
        let report = try skipped.json()
        #expect(report["items"] as? Int == 1)
        #expect((report["extra"] as? [String: Double])?["skipped_items"] == 1)
    }
}
