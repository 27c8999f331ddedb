import Foundation

extension TruthfulQADataset {
    /// Loads a multiple-choice JSONL file: one object per line with `question`, `mc1_targets`
    /// and `mc2_targets` (each `{"choices": [...], "labels": [...]}`).
    ///
    /// Other keys are optional and used when present: `type`, `category`, `best_answer`,
    /// `best_incorrect_answer`, `correct_answers`, `incorrect_answers`, `source`, `lang` (empty
    /// strings count as absent). Empty and whitespace-only options are dropped (the multilingual
    /// files have some); afterwards MC1 must have exactly one option labelled 1 and MC2 at least
    /// one, and each must have at least one option labelled 0 (a set without a false option scores
    /// 1.0 by construction). Blank lines are skipped. Categories are not joined here; see `joiningCategories(from:)`.
    ///
    /// - Parameters:
    ///   - path: The file.
    ///   - language: The language of records without a `lang` key; nil means `en`.
    ///   - skipInvalid: Skip records that fail to parse or validate instead of throwing; each is
    ///     listed in `skippedRecords` (file, line, reason) and the kept items are renumbered.
    ///   - requireFalseOptions: Reject sets without a false option (the default). Turn it off
    ///     only for a few-shot primer, whose records hold just the answer to show.
    /// - Throws: `DatasetError` naming the file, line and field: `malformedJSON` (a line that is
    ///   not a JSON object), `missingField`, `invalidValue`, `lengthMismatch`, `noTrueLabel`,
    ///   `noFalseLabel`, `multipleTrueLabels`, `emptyDataset`, `fileNotFound`, `unreadableFile`.
    public static func loadMultipleChoiceJSONL(path: String, language: String? = nil, skipInvalid: Bool = false,
                                               requireFalseOptions: Bool = true) throws -> TruthfulQADataset {
        let url = URL(fileURLWithPath: path)
        let bytes = try DataFile.read(url)
        var items: [TruthfulQAItem] = []
        var dropped = 0
        var skipped: [String] = []
        try JSONLines.forEach(bytes, file: path) { value, lineNumber in
            do {
                let reader = JSONRecordReader(record: try value.get(), file: path, line: lineNumber, requireFalseOptions: requireFalseOptions)
                let (item, removed) = try reader.item(index: items.count, defaultLanguage: language ?? "en")
                items.append(item)
                dropped += removed
            } catch let error as DatasetError where skipInvalid {
                skipped.append(error.description)
            }
        }
        guard !items.isEmpty else {
            throw DatasetError(.emptyDataset, file: path, "holds no records. Give one JSON object per line.")
        }
        let checksum = DataFile.sha256(bytes)
        let pinned = DataCatalog.truthfulQA.file(withSHA256: checksum)
        let languages = Set(items.map(\.language))
        return TruthfulQADataset(
            items: items, fileURL: url, checksum: checksum, format: .multipleChoiceJSONL,
            version: pinned?.version, language: language ?? (languages.count == 1 ? languages.first! : "mul"),
            droppedEmptyChoices: dropped, skippedRecords: skipped
        )
    }
}
