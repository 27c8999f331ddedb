import Foundation
import Testing
import TKBenchmarks

/// `--skip-invalid`: malformed records are skipped and reported, never silently kept.
@Suite struct DataSkipInvalidTests {
    func write(_ text: String, ext: String) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("skip-\(UUID().uuidString).\(ext)")
        try Data(text.utf8).write(to: url)
        return url.path
    }

    @Test func jsonlSkipsBadLinesOnlyWhenAsked() throws {
        let good = #"{"question":"Q?","mc1_targets":{"choices":["a","b"],"labels":[1,0]},"mc2_targets":{"choices":["a","b"],"labels":[1,0]}}"#
        let path = try write([good, "{not json", #"{"question":"Q2?"}"#, good].joined(separator: "\n"), ext: "jsonl")
        #expect(throws: DatasetError.self) { try TruthfulQADataset.loadMultipleChoiceJSONL(path: path) }
        let d = try TruthfulQADataset.loadMultipleChoiceJSONL(path: path, skipInvalid: true)
        #expect(d.items.count == 2 && d.items.map(\.index) == [0, 1])
        #expect(d.skippedRecords.count == 2)
        #expect(d.skippedRecords[0].contains(":2") || d.skippedRecords[0].contains("line 2"))
    }

    /// Degenerate sets (no false option) are skipped and counted under --skip-invalid, never scored.
    @Test func jsonlSkipsSetsWithoutAFalseOptionAndCountsThem() throws {
        let good = #"{"question":"Q?","mc1_targets":{"choices":["a","b"],"labels":[1,0]},"mc2_targets":{"choices":["a","b"],"labels":[1,0]}}"#
        let oneOption = #"{"question":"One?","mc1_targets":{"choices":["a"],"labels":[1]},"mc2_targets":{"choices":["a","b"],"labels":[1,0]}}"#
        let allTrue = #"{"question":"All?","mc1_targets":{"choices":["a","b"],"labels":[1,0]},"mc2_targets":{"choices":["a","b"],"labels":[1,1]}}"#
        let path = try write([good, oneOption, allTrue, good].joined(separator: "\n"), ext: "jsonl")
        let error = try #require(throws: DatasetError.self) { try TruthfulQADataset.loadMultipleChoiceJSONL(path: path) }
        #expect(error.code == .noFalseLabel && error.line == 2 && error.message.contains("One?"))
        let d = try TruthfulQADataset.loadMultipleChoiceJSONL(path: path, skipInvalid: true)
        #expect(d.items.map(\.question) == ["Q?", "Q?"])
        #expect(d.skippedRecords.count == 2)
        #expect(d.skippedRecords[0].contains("One?") && d.skippedRecords[1].contains("All?"))
    }

    @Test func csvSkipsRowsThatFailValidation() throws {
        let header = "Type,Category,Question,Best Answer,Correct Answers,Incorrect Answers,Source"
        let rows = [
            "Adversarial,Misconceptions,Q1?,A,A; B,C; D,src",
            "Sideways,Misconceptions,Q2?,A,A,C,src",          // unknown type
            "Adversarial,Misconceptions,Q3?,A,A,C",            // too few fields
            "Non-Adversarial,Health,Q4?,A,A,C,src",
        ]
        let path = try write(([header] + rows).joined(separator: "\n"), ext: "csv")
        #expect(throws: DatasetError.self) { try TruthfulQADataset.loadCSV(path: path) }
        let d = try TruthfulQADataset.loadCSV(path: path, skipInvalid: true)
        #expect(d.items.map(\.question) == ["Q1?", "Q4?"])
        #expect(d.skippedRecords.count == 2)
    }
}
