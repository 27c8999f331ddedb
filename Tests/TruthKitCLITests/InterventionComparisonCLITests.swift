import Foundation
import Testing
import TKTesting

/// `truthkit eval --intervention …` end to end on the default model: baseline and intervened side
/// by side on the same items, for multiple choice and for generation, stored and resumable.
/// One kernel thread each: these subprocesses run beside the rest of the suite on two cores.
@Suite(.serialized, .enabled(if: TestEnvironment.modelAvailable, "\(TestEnvironment.missingModelMessage)"))
struct InterventionComparisonCLITests {
    static func metric(_ report: [String: Any], _ side: String, _ name: String) -> Double? {
        ((report[side] as? [String: Any])?["metrics"] as? [String: Any]).flatMap { ($0[name] as? [String: Any])?["mean"] as? Double }
    }

    static func difference(_ report: [String: Any], _ name: String) -> [String: Any]? {
        (report["difference"] as? [String: Any])?[name] as? [String: Any]
    }

    @Test func generationComparesBaselineAndDoLaOnTheSameItemsAndResumes() throws {
        let cli = try CLIRunner()
        let store = cli.home.appendingPathComponent("runs.sqlite").path
        let out = cli.home.appendingPathComponent("out").path
        let arguments = ["eval", "--model", TestEnvironment.modelPath, "--task", "truthfulqa-gen", "--intervention", "dola:layers=high",
                         "--limit", "3", "--max-tokens", "8", "--store", store, "--out", out, "--json", "--threads", "1"]
        let first = try cli.run(arguments)
        #expect(first.status == 0, "stderr: \(first.stderr.suffix(2000))")
        let report = try first.json()
        #expect(report["task"] as? String == "truthfulqa-gen")
        #expect(report["items"] as? Int == 3)
        #expect(report["compared"] as? [String] == ["bleu_acc", "rouge1_acc", "rougeL_acc"])
        for m in ["bleu_acc", "rouge1_acc", "rougeL_acc"] {
            let base = try #require(Self.metric(report, "baseline", m)), intervened = try #require(Self.metric(report, "intervened", m))
            let d = try #require(Self.difference(report, m))
            #expect(d["count"] as? Int == 3)
            #expect(abs((d["mean_difference"] as? Double ?? .nan) - (intervened - base)) < 1e-12)
        }
        #expect((report["kl_neutral_text"] as? Double ?? -1) > 0, "DoLa changes next-token distributions")
        // Per-item answers on both sides: DoLa's greedy answers are its own, not the baseline's copied.
        let lines = try String(contentsOfFile: out + "/items.jsonl", encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 3)
        let pairs = try lines.map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: [String: Any]] }
        for pair in pairs { #expect(pair["baseline"]?["index"] as? Int == pair["intervened"]?["index"] as? Int) }
        #expect(pairs.contains { ($0["baseline"]?["raw_text"] as? String) != ($0["intervened"]?["raw_text"] as? String) })

        // A second run reads every answer back from the store: same numbers, nothing regenerated.
        let second = try cli.run(arguments)
        #expect(second.status == 0, "stderr: \(second.stderr.suffix(2000))")
        #expect(second.stderr.contains("resuming run"))
        let again = try second.json()
        for m in ["bleu_acc", "rouge1_acc", "rougeL_acc"] {
            #expect(Self.metric(again, "intervened", m) == Self.metric(report, "intervened", m))
            #expect(Self.metric(again, "baseline", m) == Self.metric(report, "baseline", m))
        }
    }

    @Test func multipleChoiceComparisonAndBadFitsFailBeforeScoring() throws {
        let cli = try CLIRunner()
        let store = cli.home.appendingPathComponent("runs.sqlite").path
        let result = try cli.run(["eval", "--model", TestEnvironment.modelPath, "--intervention", "icd", "--limit", "2",
                                  "--store", store, "--json", "--threads", "1"])
        #expect(result.status == 0, "stderr: \(result.stderr.suffix(2000))")
        let report = try result.json()
        #expect(report["compared"] as? [String] == ["mc1", "mc2", "mc3"])
        #expect(report["items"] as? Int == 2)
        #expect(Self.metric(report, "baseline", "mc2") != nil && Self.metric(report, "intervened", "mc2") != nil)

        // An ITI fit that is not JSON: a clear error, and no run was opened for it.
        let bogus = cli.home.appendingPathComponent("bogus.json")
        try Data("not a fit".utf8).write(to: bogus)
        let bad = try cli.run(["eval", "--model", TestEnvironment.modelPath, "--task", "truthfulqa-gen",
                               "--intervention", "iti:file=\(bogus.path)", "--limit", "2", "--store", store, "--json"])
        #expect(bad.status != 0)
        #expect(bad.stdout.isEmpty)
        #expect(bad.stderr.contains("bogus.json"), "stderr: \(bad.stderr)")
        let runs = try cli.run(["runs", "list", "--store", store])
        #expect(!runs.stdout.contains("truthfulqa-gen"), "\(runs.stdout)")
    }
}
