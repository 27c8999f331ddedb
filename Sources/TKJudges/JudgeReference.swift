/// A question with its reference true and false answers, as judges use them: the paper judge
/// builds few-shot examples from other questions' references, the rubric judge shows a question's
/// own references to the model.
///
/// Built by the caller from TruthfulQA items (`correctAnswers`, `incorrectAnswers`); the judges
/// module does not read benchmark files itself.
public struct JudgeReference: Sendable, Codable, Equatable, Hashable {
    public var question: String
    public var correctAnswers: [String]
    public var incorrectAnswers: [String]

    public init(question: String, correctAnswers: [String], incorrectAnswers: [String]) {
        self.question = question
        self.correctAnswers = correctAnswers
        self.incorrectAnswers = incorrectAnswers
    }

    /// The key two spellings of a question share: trimmed, case-folded, inner whitespace collapsed.
    /// Used to keep a question's own answers out of its few-shot examples and to look up references.
    public static func key(_ question: String) -> String {
        question.lowercased().split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }
}
