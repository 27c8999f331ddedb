import Foundation
import Testing
import TKBenchmarks
import TKEvalCore
import TKEvaluation

/// The generic multiple-choice task on small files written here: JSONL in the MMLU/ARC shapes and
/// GPQA's CSV columns.
@Suite struct MultipleChoiceTaskTests {
    static let jsonl = """
        {"question": "2+2?", "choices": ["3", "4", "5"], "answer": 1, "category": "math"}
        {"question": "Capital of France?", "choices": {"text": ["Lyon", "Paris"], "label": ["A", "B"]}, "answerKey": "B"}
        {"query": "Sky colour?", "choices": ["green", "blue"], "answer": "B", "subject": "nature"}

        """

    @Test func jsonlLayoutsLoad() throws {
        let folder = try TemporaryFolder()
        let data = try MultipleChoiceDataset.load(path: try folder.file("mc.jsonl", Self.jsonl))
        #expect(data.items.map(\.answer) == [1, 1, 1])
        #expect(data.items.map(\.category) == ["math", nil, "nature"])
        #expect(data.items[1].choices == ["Lyon", "Paris"])
        #expect(data.layout == .jsonl && data.shuffleSeed == nil && data.checksum.count == 64)
    }

    @Test func badRecordsNameFileLineAndField() throws {
        let folder = try TemporaryFolder()
        let cases: [(String, String)] = [
            (#"{"question": "q", "choices": ["a"], "answer": 0}"#, "choices"),
            (#"{"question": "q", "choices": ["a", "b"], "answer": 2}"#, "answer"),
            (#"{"question": "q", "choices": ["a", " "], "answer": 0}"#, "choices"),
            (#"{"choices": ["a", "b"], "answer": 0}"#, "question"),
            (#"{"question": "q", "choices": ["a", "b"]}"#, "answer"),
            (#"{"question": "q", "choices": ["a", "b"], "answer": "maybe"}"#, "answer"),
        ]
        for (line, field) in cases {
            let path = try folder.file("bad.jsonl", #"{"question": "ok", "choices": ["a", "b"], "answer": 0}"# + "\n" + line + "\n")
            #expect { try MultipleChoiceDataset.load(path: path) } throws: { error in
                guard let e = error as? DatasetError else { return false }
                return e.line == 2 && e.field == field && e.file == path
            }
            let skipped = try MultipleChoiceDataset.load(path: path, skipInvalid: true)
            #expect(skipped.items.count == 1 && skipped.skippedRecords.count == 1)
        }
    }

    static let gpqa = """
        Question,Correct Answer,Incorrect Answer 1,Incorrect Answer 2,Incorrect Answer 3,Subdomain
        What is H2O?,Water,Salt,Sand,Air,Chemistry
        "Which is a prime, then?",7,8,9,10,Math

        """

    @Test func gpqaOptionsAreShuffledWithTheRecordedSeed() throws {
        let folder = try TemporaryFolder()
        let path = try folder.file("gpqa.csv", Self.gpqa)
        let a = try MultipleChoiceDataset.load(path: path, seed: 1)
        let again = try MultipleChoiceDataset.load(path: path, seed: 1)
        #expect(a == again)
        #expect(a.layout == .gpqaCSV && a.shuffleSeed == 1)
        for (item, correct) in zip(a.items, ["Water", "7"]) {
            #expect(item.choices[item.answer] == correct)
            #expect(item.choices.count == 4 && Set(item.choices).count == 4)
        }
        #expect(a.items[1].question == "Which is a prime, then?" && a.items[0].category == "Chemistry")
        // Over a few seeds the correct answer does not always sit in one place.
        let positions = try (0..<8).map { try MultipleChoiceDataset.load(path: path, seed: UInt64($0)).items[0].answer }
        #expect(Set(positions).count > 1)
        let missing = try folder.file("nohead.csv", "Question,Correct Answer\nq,a\n")
        #expect { try MultipleChoiceDataset.load(path: missing) } throws: { ($0 as? DatasetError)?.field == "Incorrect Answer 1" }
    }

    @Test func taskScoresAccAccNormAndProbabilityMass() async throws {
        let item = MultipleChoiceQuestion(index: 0, question: "2+2?", choices: ["3", "four"], answer: 1)
        let task = MultipleChoiceTask()
        // Raw: "3" wins (−1 vs −2); per byte: " 3" = −0.5, " four" = −0.4 → the correct one wins.
        let model = ScriptedModel(scores: ["Question: 2+2?\nAnswer:": [" 3": -1, " four": -2]])
        let r = try await task.evaluate(item, model: model)
        #expect(r.metrics["acc"] == 0 && r.metrics["acc_norm"] == 1)
        #expect(abs(r.metrics["prob_correct"]! - exp(-2) / (exp(-1) + exp(-2))) < 1e-12)
        #expect(task.headline == ["acc", "acc_norm", "prob_correct"])
        #expect(MultipleChoiceTask(shuffleSeed: 3).settings["shuffle_seed"] == "3")
    }

    @Test func anEvaluationOfTheGenericTaskIsStoredAndResumable() async throws {
        let folder = try TemporaryFolder()
        let data = try MultipleChoiceDataset.load(path: try folder.file("mc.jsonl", Self.jsonl))
        var scores: [String: [String: Double]] = [:]
        for item in data.items {
            scores["Question: \(item.question)\nAnswer:"] = Dictionary(uniqueKeysWithValues: item.choices.enumerated().map {
                (" " + $0.element, $0.offset == item.answer ? -0.1 : -3)
            })
        }
        let identity = DatasetIdentity(checksum: data.checksum, itemCount: data.items.count, path: data.fileURL.path)
        let store = try folder.store()
        let outcome = try await Evaluator(store: store).run(MultipleChoiceTask(), items: data.items, model: ScriptedModel(scores: scores), data: identity)
        #expect(outcome.results.allSatisfy { $0.metrics["acc"] == 1 })
        let resumed = try await Evaluator(store: store).run(MultipleChoiceTask(), items: data.items, model: ScriptedModel(), data: identity)
        #expect(resumed.resumed == 3 && resumed.results.map(\.scores) == outcome.results.map(\.scores))
    }
}
