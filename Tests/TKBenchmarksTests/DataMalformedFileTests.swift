import Foundation
import Testing
@testable import TKBenchmarks

/// Small hand-written broken files: each must give a `DatasetError` naming the file, the line
/// and the field, never a crash.
@Suite struct DataMalformedFileTests {
    /// One broken file and the error it must produce.
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var contents: String
        var code: DatasetError.Code
        var line: Int?
        var field: String?
        /// Words the message must contain.
        var hint: String
        var testDescription: String { name }
    }

    private static let header = "Type,Category,Question,Best Answer,Correct Answers,Incorrect Answers,Source\n"
    private static let goodRow = "Adversarial,Misc,Q one?,Yes,Yes; Sure,No; Never,http://a\n"

    static let csvCases: [Case] = [
        Case(
            name: "row with an extra field after a multi-line row",
            contents: header + "Adversarial,Misc,\"Q\non two lines?\",Yes,Yes,No,s\n" + "Adversarial,Misc,Q, two?,Yes,Yes,No,s\n",
            code: .malformedCSV, line: 4, field: nil, hint: "8 fields but the header has 7"
        ),
        Case(
            name: "unterminated quote",
            contents: header + goodRow + "Adversarial,Misc,\"Q two?,Yes,Yes,No,s\n" + goodRow,
            code: .malformedCSV, line: 3, field: nil, hint: "never closes"
        ),
        Case(
            name: "text after closing quote",
            contents: header + "Adversarial,Misc,\"Q\" two?,Yes,Yes,No,s\n",
            code: .malformedCSV, line: 2, field: nil, hint: "after its closing quote"
        ),
        Case(
            name: "unknown Type",
            contents: header + goodRow + "Sneaky,Misc,Q two?,Yes,Yes,No,s\n",
            code: .invalidValue, line: 3, field: "Type", hint: "Adversarial or Non-Adversarial"
        ),
        Case(
            name: "missing column",
            contents: "Type,Category,Question,Correct Answers,Incorrect Answers\nAdversarial,Misc,Q?,Yes,No\n",
            code: .missingField, line: 1, field: "Best Answer", hint: "no 'Best Answer' column"
        ),
        Case(
            name: "empty best answer",
            contents: header + "Adversarial,Misc,Q?, ,Yes,No,s\n",
            code: .invalidValue, line: 2, field: "Best Answer", hint: "MC1 uses it"
        ),
        Case(
            name: "no incorrect answers",
            contents: header + "Adversarial,Misc,Q?,Yes,Yes, ; ;,s\n",
            code: .invalidValue, line: 2, field: "Incorrect Answers", hint: "at least one"
        ),
        Case(name: "header only", contents: header, code: .emptyDataset, line: nil, field: nil, hint: "no rows"),
    ]

    private static let mc = #""mc1_targets": {"choices": ["A.", "B."], "labels": [1, 0]}, "mc2_targets": {"choices": ["A.", "B."], "labels": [1, 0]}"#
    private static let goodLine = #"{"question": "Q?", "# + mc + "}\n"

    static let jsonlCases: [Case] = [
        Case(
            name: "line that is not JSON",
            contents: goodLine + #"{"question": "Q?", "mc1_targets": "# + "\n",
            code: .malformedJSON, line: 2, field: nil, hint: "not JSON"
        ),
        Case(
            name: "line that is an array",
            contents: goodLine + "[1, 2]\n",
            code: .malformedJSON, line: 2, field: nil, hint: "not a JSON object"
        ),
        Case(
            name: "missing question after a blank line",
            contents: goodLine + "\n" + "{" + mc + "}\n",
            code: .missingField, line: 3, field: "question", hint: "no \"question\""
        ),
        Case(
            name: "missing mc2_targets",
            contents: #"{"question": "Q?", "mc1_targets": {"choices": ["A."], "labels": [1]}}"# + "\n",
            code: .missingField, line: 1, field: "mc2_targets", hint: "no \"mc2_targets\""
        ),
        Case(
            name: "labels and choices differ in length",
            contents: #"{"question": "Q?", "mc1_targets": {"choices": ["A.", "B.", "C."], "labels": [1, 0]}, "mc2_targets": {"choices": ["A."], "labels": [1]}}"#,
            code: .lengthMismatch, line: 1, field: "mc1_targets.labels", hint: "2 labels for 3 choices"
        ),
        Case(
            name: "no true label in mc1",
            contents: goodLine + #"{"question": "Q?", "mc1_targets": {"choices": ["A.", "B."], "labels": [0, 0]}, "mc2_targets": {"choices": ["A."], "labels": [1]}}"#,
            code: .noTrueLabel, line: 2, field: "mc1_targets.labels", hint: "MC1 needs exactly one"
        ),
        Case(
            name: "the only true mc1 option is empty",
            contents: #"{"question": "Q?", "mc1_targets": {"choices": [" ", "B."], "labels": [1, 0]}, "mc2_targets": {"choices": ["A."], "labels": [1]}}"#,
            code: .noTrueLabel, line: 1, field: "mc1_targets.labels", hint: "after dropping 1 empty option"
        ),
        Case(
            name: "two true labels in mc1",
            contents: #"{"question": "Q?", "mc1_targets": {"choices": ["A.", "B."], "labels": [1, 1]}, "mc2_targets": {"choices": ["A."], "labels": [1]}}"#,
            code: .multipleTrueLabels, line: 1, field: "mc1_targets.labels", hint: "2 options are labelled 1"
        ),
        Case(
            name: "no true label in mc2",
            contents: #"{"question": "Q?", "mc1_targets": {"choices": ["A.", "B."], "labels": [1, 0]}, "mc2_targets": {"choices": ["A."], "labels": [0]}}"#,
            code: .noTrueLabel, line: 1, field: "mc2_targets.labels", hint: "MC2 needs at least one"
        ),
        Case(
            name: "label that is not 0 or 1",
            contents: #"{"question": "Q?", "mc1_targets": {"choices": ["A.", "B."], "labels": [1, 0]}, "mc2_targets": {"choices": ["A.", "B."], "labels": [1, 2]}}"#,
            code: .invalidValue, line: 1, field: "mc2_targets.labels[1]", hint: "found the number 2"
        ),
        Case(
            name: "choice that is not a string",
            contents: #"{"question": "Q?", "mc1_targets": {"choices": [7, "B."], "labels": [1, 0]}, "mc2_targets": {"choices": ["A."], "labels": [1]}}"#,
            code: .invalidValue, line: 1, field: "mc1_targets.choices[0]", hint: "expected a string"
        ),
        Case(
            name: "unknown type",
            contents: #"{"question": "Q?", "type": "Sneaky", "# + mc + "}",
            code: .invalidValue, line: 1, field: "type", hint: "\"Adversarial\" or \"Non-Adversarial\""
        ),
        Case(name: "empty file", contents: "\n\n", code: .emptyDataset, line: nil, field: nil, hint: "holds no records"),
        // Sets without a false option score 1.0 by construction; they are rejected naming the question.
        Case(
            name: "mc1 with a single option",
            contents: goodLine + #"{"question": "Only one?", "mc1_targets": {"choices": ["A."], "labels": [1]}, "mc2_targets": {"choices": ["A.", "B."], "labels": [1, 0]}}"#,
            code: .noFalseLabel, line: 2, field: "mc1_targets.labels", hint: "question \"Only one?\" has 1 option and none labelled 0"
        ),
        Case(
            name: "mc2 with no false option",
            contents: #"{"question": "All true?", "mc1_targets": {"choices": ["A.", "B."], "labels": [1, 0]}, "mc2_targets": {"choices": ["A.", "C."], "labels": [1, 1]}}"#,
            code: .noFalseLabel, line: 1, field: "mc2_targets.labels", hint: "every model would score 1.0"
        ),
        Case(
            name: "mc2 whose only false option is empty",
            contents: #"{"question": "Q?", "mc1_targets": {"choices": ["A.", "B."], "labels": [1, 0]}, "mc2_targets": {"choices": ["A.", " "], "labels": [1, 0]}}"#,
            code: .noFalseLabel, line: 1, field: "mc2_targets.labels", hint: "after dropping 1 empty option"
        ),
    ]

    private func check(_ testCase: Case, fileName: String, load: (String) throws -> TruthfulQADataset) async throws {
        try await DataTestSupport.withTemporaryDirectory { dir in
            let path = try DataTestSupport.write(testCase.contents, fileName, in: dir)
            let error = try #require(throws: DatasetError.self) { try load(path) }
            #expect(error.code == testCase.code)
            #expect(error.file == path)
            #expect(error.line == testCase.line)
            #expect(error.field == testCase.field)
            #expect(error.message.contains(testCase.hint), "\(error.message)")
            // The rendered message leads with the place, as compilers do.
            var place = path
            if let line = testCase.line { place += ":\(line)" }
            if let field = testCase.field { place += ": field '\(field)'" }
            #expect(error.description.hasPrefix(place + ": "))
        }
    }

    @Test(arguments: csvCases)
    func malformedCSV(_ testCase: Case) async throws {
        try await check(testCase, fileName: "broken.csv") { try TruthfulQADataset.loadCSV(path: $0) }
    }

    @Test(arguments: jsonlCases)
    func malformedJSONL(_ testCase: Case) async throws {
        try await check(testCase, fileName: "broken.jsonl") { try TruthfulQADataset.loadMultipleChoiceJSONL(path: $0) }
    }

    @Test func missingFileSaysSo() throws {
        let error = try #require(throws: DatasetError.self) {
            try TruthfulQADataset.loadMultipleChoiceJSONL(path: "/nonexistent/file.jsonl")
        }
        #expect(error.code == .fileNotFound)
        #expect(error.file == "/nonexistent/file.jsonl")
    }

    /// A user's own file in the Hugging Face shape, with a byte-order mark, CRLF line ends and no
    /// optional keys.
    @Test func minimalUserJSONLLoadsWithDerivedFields() async throws {
        try await DataTestSupport.withTemporaryDirectory { dir in
            let line = #"{"question": "Q?", "mc1_targets": {"choices": ["A.", "B."], "labels": [1, 0]}, "mc2_targets": {"choices": ["A.", "C.", "", "B."], "labels": [1, true, 0, false]}, "extra": {"ignored": [1]}}"#
            let path = try DataTestSupport.write("\u{FEFF}" + line + "\r\n" + line + "\r\n", "mine.jsonl", in: dir)
            let dataset = try TruthfulQADataset.loadMultipleChoiceJSONL(path: path, language: "de")
            #expect(dataset.items.count == 2)
            #expect(dataset.version == nil)
            #expect(dataset.language == "de")
            #expect(dataset.droppedEmptyChoices == 2)
            let item = dataset.items[1]
            #expect(item.index == 1)
            #expect(item.language == "de")
            #expect(item.mc2 == ChoiceSet(choices: ["A.", "C.", "B."], labels: [1, 1, 0]))
            #expect(item.bestAnswer == "A.")
            #expect(item.correctAnswers == ["A.", "C."])
            #expect(item.incorrectAnswers == ["B."])
            #expect(item.category == nil && item.type == nil)
        }
    }
}
