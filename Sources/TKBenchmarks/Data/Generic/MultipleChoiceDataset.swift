import Foundation

/// A loaded generic multiple-choice file and exactly which bytes it was.
///
/// Two layouts are read:
/// - **JSONL**, one object per line: `question` (or `query`), `choices` — an array of strings, or
///   ARC's `{"text": [...], "label": [...]}` — and the answer as `answer` (a 0-based index, or a
///   letter / label such as `"B"`), `answerKey` (ARC) or `label`; optional `category` or
///   `subject` (MMLU) for per-group metrics.
/// - **GPQA's CSV** (`.csv`): columns `Question`, `Correct Answer`, `Incorrect Answer 1`…`3`,
///   optional `Subdomain` / `High-level domain` for the category. The correct answer would always
///   come first, so the four options are shuffled per question with a seeded generator, as
///   lm-evaluation-harness's gpqa tasks shuffle them; the seed is part of the run's settings.
public struct MultipleChoiceDataset: Sendable, Equatable {
    public enum Layout: String, Sendable {
        case jsonl, gpqaCSV = "gpqa-csv"
    }

    public var items: [MultipleChoiceQuestion]
    public var fileURL: URL
    /// Lowercase hex SHA-256 of the file's bytes.
    public var checksum: String
    public var layout: Layout
    /// The option shuffle's seed (GPQA), nil when options are taken as written.
    public var shuffleSeed: UInt64?
    /// Records skipped as invalid under `skipInvalid` (each message names file, line and field).
    public var skippedRecords: [String]

    /// Loads `path`: GPQA's CSV when it ends in `.csv`, JSONL otherwise.
    ///
    /// - Throws: `DatasetError` naming file, line and field for a missing question, fewer than two
    ///   options, an empty option, an answer that is not one of the options, a missing GPQA column.
    public static func load(path: String, seed: UInt64 = 0, skipInvalid: Bool = false) throws -> MultipleChoiceDataset {
        let url = URL(fileURLWithPath: path)
        let bytes = try DataFile.read(url)
        let isCSV = path.lowercased().hasSuffix(".csv")
        var items: [MultipleChoiceQuestion] = []
        var skipped: [String] = []
        func keep(_ make: () throws -> MultipleChoiceQuestion) throws {
            do { items.append(try make()) } catch let error as DatasetError where skipInvalid { skipped.append(error.description) }
        }
        if isCSV {
            let records = try CSVParser.parse(bytes, file: path)
            guard let header = records.first else {
                throw DatasetError(.emptyDataset, file: path, "is empty; a GPQA file starts with a header row (Question, Correct Answer, Incorrect Answer 1…3).")
            }
            let columns = GPQAColumns(header: header.fields)
            for name in GPQAColumns.required where columns.position[name] == nil {
                throw DatasetError(.missingField, file: path, line: header.line, field: name,
                                   "the header has no '\(name)' column; GPQA files have Question, Correct Answer, Incorrect Answer 1, 2 and 3.")
            }
            for record in records.dropFirst() where !record.fields.allSatisfy({ $0.isEmpty }) {
                try keep { try columns.question(record, index: items.count, seed: seed, file: path) }
            }
        } else {
            try JSONLines.forEach(bytes, file: path) { value, line in
                try keep { try GenericRecordReader(record: try value.get(), file: path, line: line).question(index: items.count) }
            }
        }
        guard !items.isEmpty else {
            throw DatasetError(.emptyDataset, file: path, "holds no questions.")
        }
        return MultipleChoiceDataset(items: items, fileURL: url, checksum: DataFile.sha256(bytes),
                                     layout: isCSV ? .gpqaCSV : .jsonl, shuffleSeed: isCSV ? seed : nil, skippedRecords: skipped)
    }

    /// Checks what every layout needs: a question, at least two non-empty options, an answer among them.
    static func validated(_ q: MultipleChoiceQuestion, file: String, line: Int) throws -> MultipleChoiceQuestion {
        guard !q.question.allSatisfy(\.isWhitespace) else {
            throw DatasetError(.missingField, file: file, line: line, field: "question", "the question is empty.")
        }
        guard q.choices.count >= 2 else {
            throw DatasetError(.invalidValue, file: file, line: line, field: "choices",
                               "has \(q.choices.count) option(s); a multiple-choice question needs at least two.")
        }
        if let empty = q.choices.firstIndex(where: { $0.allSatisfy(\.isWhitespace) }) {
            throw DatasetError(.invalidValue, file: file, line: line, field: "choices",
                               "option \(empty) is empty; every option needs text to be scored.")
        }
        guard q.choices.indices.contains(q.answer) else {
            throw DatasetError(.invalidValue, file: file, line: line, field: "answer",
                               "answer \(q.answer) is not one of the \(q.choices.count) options (0-based).")
        }
        return q
    }
}

/// GPQA's column names and how one row becomes a question.
struct GPQAColumns {
    static let required = ["Question", "Correct Answer", "Incorrect Answer 1", "Incorrect Answer 2", "Incorrect Answer 3"]
    var position: [String: Int] = [:]

    init(header: [String]) {
        for (i, name) in header.enumerated() where position[name.trimmingCharacters(in: .whitespaces)] == nil {
            position[name.trimmingCharacters(in: .whitespaces)] = i
        }
    }

    func field(_ name: String, _ record: CSVRecord) -> String? {
        guard let i = position[name], i < record.fields.count else { return nil }
        let text = record.fields[i].trimmingCharacters(in: .whitespacesAndNewlines)
        return text.isEmpty ? nil : text
    }

    func question(_ record: CSVRecord, index: Int, seed: UInt64, file: String) throws -> MultipleChoiceQuestion {
        func required(_ name: String) throws -> String {
            guard let text = field(name, record) else {
                throw DatasetError(.missingField, file: file, line: record.line, field: name, "is empty or missing in this row.")
            }
            return text
        }
        let options = [try required("Correct Answer"), try required("Incorrect Answer 1"),
                       try required("Incorrect Answer 2"), try required("Incorrect Answer 3")]
        let order = SeededShuffle.permutation(count: options.count, seed: seed, index: index)
        return try MultipleChoiceDataset.validated(MultipleChoiceQuestion(
            index: index, question: try required("Question"), choices: order.map { options[$0] },
            answer: order.firstIndex(of: 0)!, category: field("Subdomain", record) ?? field("High-level domain", record)),
            file: file, line: record.line)
    }
}

/// One JSONL record of a generic multiple-choice file.
struct GenericRecordReader {
    var record: JSONValue
    var file: String
    var line: Int

    func error(_ field: String, _ message: String) -> DatasetError {
        DatasetError(.invalidValue, file: file, line: line, field: field, message)
    }

    func string(_ keys: [String]) -> (key: String, value: String)? {
        for key in keys { if case .string(let s)? = record[key] { return (key, s) } }
        return nil
    }

    func question(index: Int) throws -> MultipleChoiceQuestion {
        guard case .object = record else {
            throw error("record", "is \(record.kindDescription), not a JSON object with question, choices and answer.")
        }
        guard let question = string(["question", "query"])?.value else {
            throw DatasetError(.missingField, file: file, line: line, field: "question", "no 'question' string in this record.")
        }
        var labels: [String] = []
        let choices: [String]
        switch record["choices"] {
        case .array(let values)?:
            choices = try values.enumerated().map { i, v in
                guard case .string(let s) = v else { throw error("choices", "option \(i) is \(v.kindDescription), not a string.") }
                return s
            }
        case .object?:
            // ARC: {"text": [...], "label": ["A", "B", …]}
            guard case .array(let texts)? = record["choices"]?["text"] else { throw error("choices", "an object of choices needs a 'text' array (ARC's layout).") }
            choices = try texts.map { guard case .string(let s) = $0 else { throw error("choices.text", "every option must be a string.") }; return s }
            if case .array(let ls)? = record["choices"]?["label"] {
                labels = ls.compactMap { if case .string(let s) = $0 { return s } else { return nil } }
            }
        default:
            throw DatasetError(.missingField, file: file, line: line, field: "choices", "no 'choices' array in this record.")
        }
        let answer: Int
        switch record["answer"] ?? record["answerKey"] ?? record["label"] {
        case .number(let text)?:
            guard let n = Int(text) else { throw error("answer", "\(text) is not a whole number (0-based option index).") }
            answer = n
        case .string(let text)?:
            if let i = labels.firstIndex(of: text) {
                answer = i
            } else if let n = Int(text), labels.isEmpty {
                answer = n
            } else if text.count == 1, let a = text.uppercased().unicodeScalars.first?.value, (65..<91).contains(a) {
                answer = Int(a) - 65
            } else {
                throw error("answer", "\(text.debugDescription) is neither an option label, a letter, nor a 0-based index.")
            }
        default:
            throw DatasetError(.missingField, file: file, line: line, field: "answer", "no 'answer' (0-based index or letter) in this record.")
        }
        return try MultipleChoiceDataset.validated(MultipleChoiceQuestion(
            index: index, question: question, choices: choices, answer: answer,
            category: string(["category", "subject"])?.value), file: file, line: line)
    }
}
