/// The official TruthfulQA rules for turning CSV reference answers into MC options
/// (`truthfulqa/utilities.py`: `split_multi_answer` and `format_best`).
///
/// Answers are split on `;`, each is trimmed, empty ones (from a trailing `;`) are dropped, and
/// a final `.` is added unless the answer already ends with one. MC1 is the best answer followed
/// by the incorrect answers; MC2 is the correct answers followed by the incorrect ones. These are
/// the rules `mc_task.json` was made with: from the v0 CSV they reproduce its MC1 options for
/// 816 of 817 questions.
public enum ReferenceAnswers {
    /// `split_multi_answer(text, close: false)`: the answers as written, split on `;`,
    /// trimmed, empties dropped.
    public static func split(_ text: String) -> [String] {
        text.split(separator: ";", omittingEmptySubsequences: false)
            .map { $0.trimmingWhitespace() }
            .filter { !$0.isEmpty }
    }

    /// `format_best`: the answer trimmed, with a final period added when it lacks one.
    public static func closed(_ answer: String) -> String {
        let trimmed = answer.trimmingWhitespace()
        return trimmed.hasSuffix(".") || trimmed.isEmpty ? trimmed : trimmed + "."
    }

    /// `split_multi_answer(text)`: `split`, then each answer `closed`.
    public static func splitClosed(_ text: String) -> [String] {
        split(text).map(closed)
    }

    /// MC1 targets: the closed best answer (label 1), then the closed incorrect answers (label 0).
    public static func mc1(best: String, incorrect: [String]) -> ChoiceSet {
        ChoiceSet(trueChoices: [closed(best)], falseChoices: incorrect.map(closed))
    }

    /// MC2 targets: the closed correct answers (label 1), then the closed incorrect ones (label 0).
    public static func mc2(correct: [String], incorrect: [String]) -> ChoiceSet {
        ChoiceSet(trueChoices: correct.map(closed), falseChoices: incorrect.map(closed))
    }
}

extension StringProtocol {
    /// The text without leading and trailing whitespace and line breaks (Python's `str.strip()`).
    func trimmingWhitespace() -> String {
        guard let first = firstIndex(where: { !$0.isWhitespace }) else { return "" }
        let last = lastIndex(where: { !$0.isWhitespace })!
        return String(self[first...last])
    }
}
