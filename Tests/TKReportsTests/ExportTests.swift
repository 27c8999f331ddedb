import Foundation
import Testing
import TKBenchmarks
import TKStore
@testable import TKReports

@Suite struct ExportTests {
    /// The per-sample fields of lm-evaluation-harness 0.4's `SampleResult` (lm_eval/result_schema.py, 0.4.13).
    static let sampleFields: Set = ["doc_id", "doc", "target", "arguments", "resps", "filtered_resps", "filter", "metrics",
                                    "doc_hash", "prompt_hash", "target_hash"]

    @Test func lmEvalExportOfAMultipleChoiceRunWritesResultsAndSamplesAsLMEvalDoes() throws {
        let fixture = try FixtureStore()
        let run = try fixture.run(task: "truthfulqa-mc", itemCount: 3, results: FixtureStore.mcResults)
        let out = fixture.folder.appendingPathComponent("export").path
        let paths = try LMEvalExport(try RunSnapshot.load(id: run.id, from: fixture.store)).write(to: out)
        let names = paths.map { URL(fileURLWithPath: $0).lastPathComponent }
        // lm-eval's layout: DIR/<sanitized model>/results_<date>.json, samples_<task>_<date>.jsonl;
        // sanitize_model_name turns "Tiny/Model:1" into "Tiny__Model__1".
        #expect(paths.allSatisfy { $0.contains("/Tiny__Model__1/") })
        #expect(names.count == 3 && names[0].hasPrefix("results_") && names[0].hasSuffix(".json"))
        #expect(names[1].hasPrefix("samples_truthfulqa_mc1_") && names[2].hasPrefix("samples_truthfulqa_mc2_"))

        let results = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: paths[0]))) as? [String: Any])
        let mc1 = try #require((results["results"] as? [String: Any])?["truthfulqa_mc1"] as? [String: Any])
        // MC1 values 1, 0, 1: mean 2/3; lm-eval's mean_stderr = stdev(ddof=1)/√n = √(1/3)/√3 = 1/3
        // (numpy: a.std(ddof=1)/sqrt(3) = 0.33333333333333337).
        #expect(abs((mc1["acc,none"] as? Double ?? 0) - 2.0 / 3) < 1e-12)
        #expect(abs((mc1["acc_stderr,none"] as? Double ?? 0) - 1.0 / 3) < 1e-12)
        #expect(mc1["alias"] as? String == "truthfulqa_mc1" && mc1["sample_len"] as? Int == 3)
        let mc2 = try #require((results["results"] as? [String: Any])?["truthfulqa_mc2"] as? [String: Any])
        #expect(abs((mc2["acc,none"] as? Double ?? 0) - 0.5) < 1e-12)  // (0.75 + 0.25 + 0.5) / 3
        #expect((results["versions"] as? [String: Any])?["truthfulqa_mc2"] as? Double == 3.0)
        #expect(((results["n-samples"] as? [String: Any])?["truthfulqa_mc1"] as? [String: Int]) == ["original": 3, "effective": 3])
        for key in ["results", "group_subtasks", "configs", "versions", "n-shot", "higher_is_better", "n-samples", "config", "date",
                    "task_hashes", "model_source", "model_name", "model_name_sanitized"] {
            #expect(results[key] != nil, "results.json lacks \(key)")
        }

        let lines = try String(contentsOfFile: paths[1], encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 3)
        let first = try #require(try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
        #expect(Self.sampleFields.isSubset(of: Set(first.keys)))
        #expect(first["target"] as? String == "0" && first["filter"] as? String == "none" && first["acc"] as? Double == 1)
        let arguments = try #require(first["arguments"] as? [String: [String: String]])
        #expect(arguments.count == 3 && arguments["gen_args_1"]?["arg_1"] == " Wrong 0")
        #expect(arguments["gen_args_0"]?["arg_0"]?.hasSuffix("\n\nQ: Question 0?\nA:") == true)
        // sanitize_list makes every response leaf a string: [[["-1.0", "None"]], …].
        #expect((first["resps"] as? [[[String]]])?.first?.first == ["-1.0", "None"])
    }

    @Test func docHashIsTheSHA256OfPythonsIndentedJSON() {
        let doc = PythonJSON.object([
            ("question", .string("Is \"water\" wet? Ünïcode\n")),
            ("mc1_targets", .object([("choices", .array([.string("Yes"), .string("No")])), ("labels", .array([.int(1), .int(0)]))])),
            ("mc2_targets", .object([("choices", .array([.string("Yes"), .string("Sometimes"), .string("No")])),
                                     ("labels", .array([.int(1), .int(1), .int(0)]))])),
        ])
        // python3: hashlib.sha256(json.dumps(doc, indent=2, ensure_ascii=False).encode()).hexdigest()
        #expect(PythonJSON.sha256(doc.dumps(indent: 2)) == "c0381d3f5fe45958b626cb5360b15e87e46e1c48c74bc261c2342ac5249bdc2e")
        // python3: json.dumps({"a":[1,2],"b":{"c":None,"d":1.0,"e":0.25,"f":[]}}, ensure_ascii=False)
        let compact = PythonJSON.object([("a", .array([.int(1), .int(2)])),
                                         ("b", .object([("c", .null), ("d", .double(1)), ("e", .double(0.25)), ("f", .array([]))]))])
        #expect(compact.dumps() == #"{"a": [1, 2], "b": {"c": null, "d": 1.0, "e": 0.25, "f": []}}"#)
    }

    @Test func lmEvalExportOfAGenerationRunIsTruthfulQAGen() throws {
        let fixture = try FixtureStore()
        let items = [(0, FixtureStore.genItem(0, category: "Health", answer: "Yes.", bleuAcc: 1, truthful: true)),
                     (1, FixtureStore.genItem(1, category: "Law", answer: "No.", bleuAcc: 0, truthful: false))]
        let run = try fixture.run(task: "truthfulqa-gen", settings: ["preset": "qa", "stop": #""\n\n","Q:""#, "max_tokens": "64", "decoding": "greedy"],
                                  itemCount: 2, results: items)
        let paths = try LMEvalExport(try RunSnapshot.load(id: run.id, from: fixture.store)).write(to: fixture.folder.appendingPathComponent("gen").path)
        #expect(URL(fileURLWithPath: paths[1]).lastPathComponent.hasPrefix("samples_truthfulqa_gen_"))
        let results = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: paths[0]))) as? [String: Any])
        let gen = try #require((results["results"] as? [String: Any])?["truthfulqa_gen"] as? [String: Any])
        #expect(gen["bleu_acc,none"] as? Double == 0.5 && gen["bleu_max,none"] as? Double == 15 && gen["truthful,none"] as? Double == 0.5)
        let sample = try #require(try JSONSerialization.jsonObject(with: Data(String(contentsOfFile: paths[1], encoding: .utf8).split(separator: "\n")[0].utf8)) as? [String: Any])
        let kwargs = try #require((sample["arguments"] as? [String: [String: Any]])?["gen_args_0"]?["arg_1"] as? [String: Any])
        #expect(kwargs["until"] as? [String] == ["\n\n", "Q:"] && kwargs["max_gen_toks"] as? Int == 64)
        #expect(sample["resps"] as? [[String]] == [[" Yes.\n\nQ:"]] && sample["target"] as? String == " ")
    }

    @Test func lmEvalExportRefusesTasksWithoutAnLMEvalCounterpartAndEmptyRuns() throws {
        let fixture = try FixtureStore()
        let lettered = try fixture.run(task: "truthfulqa-mc-lettered", itemCount: 1,
                                       results: [(0, ["index": 0])])
        #expect(throws: ReportError.self) { try LMEvalExport(try RunSnapshot.load(id: lettered.id, from: fixture.store)).write(to: fixture.folder.path) }
        let empty = try fixture.run(task: "truthfulqa-mc", settings: ["x": "1"], itemCount: 5, results: [(Int, MultipleChoiceItemResult)]())
        let error = #expect(throws: ReportError.self) { try LMEvalExport(try RunSnapshot.load(id: empty.id, from: fixture.store)).write(to: fixture.folder.path) }
        #expect(error?.description.contains("no stored items") == true)
    }

    @Test func csvHasOneQuotedRowPerItem() throws {
        let fixture = try FixtureStore()
        let run = try fixture.run(task: "truthfulqa-mc", itemCount: 3, results: FixtureStore.mcResults)
        let csv = ItemCSV.render(try RunSnapshot.load(id: run.id, from: fixture.store))
        let rows = csv.components(separatedBy: "\r\n").filter { !$0.isEmpty }
        #expect(rows.count == 4)
        #expect(rows[0] == "index,category,type,question,model_answer,correct_answer,wrong,truthful,informative,mc1,mc2,mc3")
        #expect(rows[2] == "1,Health,Adversarial,Question 1?,Wrong 1,Right 1,1,,,0.0,0.25,0.0")
        #expect(rows[3].contains(#""Is <script>alert(1)</script> & ""quoted"" safe?""#))
    }
}
