import Foundation

extension TruthfulQADataset {
    /// The columns an official TruthfulQA CSV must have. `Source` and (2025) `Best Incorrect
    /// Answer` are read when present.
    static let requiredCSVColumns = [
        "Type", "Category", "Question", "Best Answer", "Correct Answers", "Incorrect Answers",
    ]

    /// Loads an official TruthfulQA CSV (2021 v0 or v1, or 2025) and builds the MC targets the
    /// way the official code does (`ReferenceAnswers`).
    ///
    /// Columns are found by name, so their order does not matter; the layout is
    /// `officialCSV2025` when a `Best Incorrect Answer` column exists. The release is identified by
    /// the file's SHA-256 when it is a pinned file, otherwise inferred: 2025 from the header, and
    /// for 2021 files v1 when it asks "Are all plants plants?", v0 when it asks "Are all women
    /// women?" (the one question v1 changed), else unknown.
    ///
    /// - Throws: `DatasetError` naming the file, line and column: `malformedCSV` (unterminated
    ///   quote, text after a closing quote, a row with the wrong number of fields),
    ///   `missingField` (a header without a required column), `invalidValue` (an unknown Type,
    ///   an empty Question, Best Answer, Correct or Incorrect Answers), `emptyDataset`,
    ///   `fileNotFound`, `unreadableFile`.
    /// With `skipInvalid`, rows that fail validation (wrong field count, unknown type, empty
    /// answers) are skipped and listed in `skippedRecords` instead of thrown; a file whose quoting
    /// is broken still throws, since no row boundary after it can be trusted.
    public static func loadCSV(path: String, skipInvalid: Bool = false) throws -> TruthfulQADataset {
        let url = URL(fileURLWithPath: path)
        let bytes = try DataFile.read(url)
        let records = try CSVParser.parse(bytes, file: path)
        guard let header = records.first else {
            throw DatasetError(.emptyDataset, file: path, "is empty. An official TruthfulQA CSV starts with a header row.")
        }
        let columns = header.fields.map { $0.trimmingWhitespace() }
        func column(_ name: String) throws -> Int {
            guard let position = columns.firstIndex(of: name) else {
                throw DatasetError(
                    .missingField, file: path, line: header.line, field: name,
                    "the header has no '\(name)' column (found: \(columns.joined(separator: ", "))). A TruthfulQA CSV "
                        + "needs \(requiredCSVColumns.joined(separator: ", ")), and usually Source."
                )
            }
            return position
        }
        let typeColumn = try column("Type")
        let categoryColumn = try column("Category")
        let questionColumn = try column("Question")
        let bestColumn = try column("Best Answer")
        let correctColumn = try column("Correct Answers")
        let incorrectColumn = try column("Incorrect Answers")
        let sourceColumn = columns.firstIndex(of: "Source")
        let bestIncorrectColumn = columns.firstIndex(of: "Best Incorrect Answer")

        var items: [TruthfulQAItem] = []
        var skipped: [String] = []
        for record in records.dropFirst() {
          do {
            let fields = record.fields
            func fail(_ code: DatasetError.Code, _ column: Int?, _ message: String) -> DatasetError {
                DatasetError(code, file: path, line: record.line, field: column.map { columns[$0] }, message)
            }
            guard fields.count == columns.count else {
                throw fail(
                    .malformedCSV, nil,
                    "this row has \(fields.count) fields but the header has \(columns.count) "
                        + "(\(columns.joined(separator: ", "))). A field that contains a comma or a line break "
                        + "must be in double quotes."
                )
            }
            let typeText = fields[typeColumn].trimmingWhitespace()
            var type: QuestionType?
            if !typeText.isEmpty {
                guard let parsed = QuestionType(rawValue: typeText) else {
                    throw fail(.invalidValue, typeColumn, "'\(typeText)' is not a question type. Use Adversarial or Non-Adversarial.")
                }
                type = parsed
            }
            let question = fields[questionColumn]
            guard !question.allSatisfy(\.isWhitespace) else {
                throw fail(.invalidValue, questionColumn, "the question is empty. Give its text.")
            }
            let best = fields[bestColumn].trimmingWhitespace()
            guard !best.isEmpty else {
                throw fail(.invalidValue, bestColumn, "the best answer is empty; MC1 uses it as the true option. Give one.")
            }
            let correct = ReferenceAnswers.split(fields[correctColumn])
            guard !correct.isEmpty else {
                throw fail(.invalidValue, correctColumn, "no correct answers; MC2 needs at least one. Separate answers with ';'.")
            }
            let incorrect = ReferenceAnswers.split(fields[incorrectColumn])
            guard !incorrect.isEmpty else {
                throw fail(
                    .invalidValue, incorrectColumn, "no incorrect answers; MC1 and MC2 need at least one. Separate answers with ';'."
                )
            }
            let category = fields[categoryColumn].trimmingWhitespace()
            let source = sourceColumn.map { fields[$0].trimmingWhitespace() } ?? ""
            let bestIncorrect = bestIncorrectColumn.map { fields[$0].trimmingWhitespace() } ?? ""
            items.append(TruthfulQAItem(
                index: items.count,
                question: question,
                category: category.isEmpty ? nil : category,
                type: type,
                bestAnswer: best,
                bestIncorrectAnswer: bestIncorrect.isEmpty ? nil : bestIncorrect,
                correctAnswers: correct,
                incorrectAnswers: incorrect,
                mc1: ReferenceAnswers.mc1(best: best, incorrect: incorrect),
                mc2: ReferenceAnswers.mc2(correct: correct, incorrect: incorrect),
                source: source.isEmpty ? nil : source,
                language: "en"
            ))
          } catch let error as DatasetError where skipInvalid {
            skipped.append(error.description)
          }
        }
        guard !items.isEmpty else {
            throw DatasetError(.emptyDataset, file: path, "has a header but no rows.")
        }
        let checksum = DataFile.sha256(bytes)
        let format: DatasetFormat = bestIncorrectColumn == nil ? .officialCSV2021 : .officialCSV2025
        return TruthfulQADataset(
            items: items, fileURL: url, checksum: checksum, format: format,
            version: DataCatalog.truthfulQA.file(withSHA256: checksum)?.version ?? inferVersion(format: format, items: items),
            language: "en", skippedRecords: skipped
        )
    }

    /// The release a CSV that is not byte-identical to a pinned one most likely comes from.
    private static func inferVersion(format: DatasetFormat, items: [TruthfulQAItem]) -> TruthfulQAVersion? {
        if format == .officialCSV2025 { return .v2025 }
        let questions = Set(items.map { $0.question.trimmingWhitespace() })
        if questions.contains("Are all plants plants?") { return .v1 }
        if questions.contains("Are all women women?") { return .v0 }
        return nil
    }
}
