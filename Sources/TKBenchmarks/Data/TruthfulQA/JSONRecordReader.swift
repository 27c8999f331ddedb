/// Reads one multiple-choice JSONL record into a `TruthfulQAItem`, throwing errors that name the
/// file, the line and the key path of the field at fault.
struct JSONRecordReader {
    let record: JSONValue
    let file: String
    let line: Int
    /// Whether MC1 and MC2 must each have a false option; off only for few-shot primers, whose
    /// records carry just the answer to show.
    var requireFalseOptions = true

    func item(index: Int, defaultLanguage: String) throws -> (TruthfulQAItem, droppedChoices: Int) {
        guard case .object = record else {
            throw error(.malformedJSON, nil, "the line holds \(record.kindDescription), not a JSON object.")
        }
        guard let question = try optionalString("question") else {
            throw error(.missingField, "question", "the record has no \"question\". Add the question text.")
        }
        guard !question.allSatisfy(\.isWhitespace) else {
            throw error(.invalidValue, "question", "the question is empty. Give its text.")
        }
        let (mc1, dropped1) = try choiceSet("mc1_targets").removingEmptyChoices()
        let (mc2, dropped2) = try choiceSet("mc2_targets").removingEmptyChoices()
        try checkTrueLabels(mc1, field: "mc1_targets", dropped: dropped1, exactlyOne: true)
        try checkTrueLabels(mc2, field: "mc2_targets", dropped: dropped2, exactlyOne: false)
        if requireFalseOptions {
            try checkFalseLabels(mc1, field: "mc1_targets", dropped: dropped1, question: question)
            try checkFalseLabels(mc2, field: "mc2_targets", dropped: dropped2, question: question)
        }

        var type: QuestionType?
        if let text = try optionalString("type") {
            guard let parsed = QuestionType(rawValue: text.trimmingWhitespace()) else {
                throw error(
                    .invalidValue, "type", "\"\(text)\" is not a question type. Use \"Adversarial\" or \"Non-Adversarial\"."
                )
            }
            type = parsed
        }
        let correct = try optionalStrings("correct_answers")?.filter { !$0.allSatisfy(\.isWhitespace) }
        let incorrect = try optionalStrings("incorrect_answers")?.filter { !$0.allSatisfy(\.isWhitespace) }
        let item = TruthfulQAItem(
            index: index,
            question: question,
            category: try optionalString("category"),
            type: type,
            bestAnswer: try optionalString("best_answer") ?? mc1.trueChoices.first,
            bestIncorrectAnswer: try optionalString("best_incorrect_answer"),
            correctAnswers: correct ?? mc2.trueChoices,
            incorrectAnswers: incorrect ?? mc2.falseChoices,
            mc1: mc1,
            mc2: mc2,
            source: try optionalString("source"),
            language: try optionalString("lang") ?? defaultLanguage
        )
        return (item, dropped1 + dropped2)
    }

    private func error(_ code: DatasetError.Code, _ field: String?, _ message: String) -> DatasetError {
        DatasetError(code, file: file, line: line, field: field, message)
    }

    /// A string field; nil when absent, null or empty.
    private func optionalString(_ key: String) throws -> String? {
        switch record[key] {
        case nil, .null?: return nil
        case .string(let text)?: return text.isEmpty ? nil : text
        case let other?:
            throw error(.invalidValue, key, "expected a string, found \(other.kindDescription).")
        }
    }

    /// An array of strings; nil when absent or null.
    private func optionalStrings(_ key: String) throws -> [String]? {
        switch record[key] {
        case nil, .null?: return nil
        case .array(let elements)?:
            return try elements.enumerated().map { position, element in
                guard case .string(let text) = element else {
                    throw error(.invalidValue, "\(key)[\(position)]", "expected a string, found \(element.kindDescription).")
                }
                return text
            }
        case let other?:
            throw error(.invalidValue, key, "expected an array of strings, found \(other.kindDescription).")
        }
    }

    private func choiceSet(_ key: String) throws -> ChoiceSet {
        guard let value = record[key] else {
            throw error(
                .missingField, key,
                "the record has no \"\(key)\". Give {\"choices\": [...], \"labels\": [...]} with label 1 for true options."
            )
        }
        guard case .object = value else {
            throw error(
                .invalidValue, key,
                "expected an object {\"choices\": [...], \"labels\": [...]}, found \(value.kindDescription)."
            )
        }
        guard case .array(let choiceValues)? = value["choices"] else {
            throw error(
                value["choices"] == nil ? .missingField : .invalidValue, "\(key).choices",
                "expected an array of option texts."
            )
        }
        guard case .array(let labelValues)? = value["labels"] else {
            throw error(
                value["labels"] == nil ? .missingField : .invalidValue, "\(key).labels",
                "expected an array of 0/1 labels, one per choice."
            )
        }
        let choices = try choiceValues.enumerated().map { position, element in
            guard case .string(let text) = element else {
                throw error(.invalidValue, "\(key).choices[\(position)]", "expected a string, found \(element.kindDescription).")
            }
            return text
        }
        let labels = try labelValues.enumerated().map { position, element -> Int in
            switch element {
            case .number("0"), .bool(false): return 0
            case .number("1"), .bool(true): return 1
            default:
                throw error(
                    .invalidValue, "\(key).labels[\(position)]",
                    "expected 1 (true) or 0 (false), found \(element.kindDescription)."
                )
            }
        }
        guard choices.count == labels.count else {
            throw error(
                .lengthMismatch, "\(key).labels",
                "\(labels.count) labels for \(choices.count) choices. Give exactly one label (1 true, 0 false) per choice."
            )
        }
        guard !choices.isEmpty else {
            throw error(.invalidValue, "\(key).choices", "no options. Give at least one true and one false option.")
        }
        return ChoiceSet(choices: choices, labels: labels)
    }

    private func checkTrueLabels(_ set: ChoiceSet, field: String, dropped: Int, exactlyOne: Bool) throws {
        let count = set.trueCount
        let afterDropping = dropped > 0 ? " (after dropping \(dropped) empty option\(dropped == 1 ? "" : "s"))" : ""
        if count == 0 {
            throw error(
                .noTrueLabel, "\(field).labels",
                "no option is labelled 1\(afterDropping). \(exactlyOne ? "MC1 needs exactly one" : "MC2 needs at least one") true option."
            )
        }
        if exactlyOne && count > 1 {
            throw error(
                .multipleTrueLabels, "\(field).labels",
                "\(count) options are labelled 1. MC1 needs exactly one true option; put the others in mc2_targets."
            )
        }
    }

    /// A set with no false option scores 1.0 whatever the model does (MC1 picks the only option,
    /// MC2 normalises over true options alone), so it would inflate the result silently.
    private func checkFalseLabels(_ set: ChoiceSet, field: String, dropped: Int, question: String) throws {
        guard set.trueCount == set.count else { return }
        let afterDropping = dropped > 0 ? " (after dropping \(dropped) empty option\(dropped == 1 ? "" : "s"))" : ""
        let shown = question.count > 80 ? String(question.prefix(77)) + "..." : question
        throw error(
            .noFalseLabel, "\(field).labels",
            "question \"\(shown)\" has \(set.count) option\(set.count == 1 ? "" : "s") and none labelled 0\(afterDropping), so "
                + "every model would score 1.0 on it. Add at least one false option (label 0), or pass --skip-invalid to "
                + "skip the item (it is counted as skipped)."
        )
    }
}
