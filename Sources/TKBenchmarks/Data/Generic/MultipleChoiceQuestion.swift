/// One question of a generic multiple-choice benchmark (MMLU, ARC, GPQA, a user's own file):
/// options and the index of the one correct option.
public struct MultipleChoiceQuestion: Sendable, Codable, Equatable, Hashable {
    /// The 0-based position of the record in its file.
    public var index: Int
    public var question: String
    /// The options in the order shown to the model (after any recorded shuffle).
    public var choices: [String]
    /// Position of the correct option in `choices`.
    public var answer: Int
    /// A category or subject for per-group metrics, when the file has one.
    public var category: String?

    public init(index: Int, question: String, choices: [String], answer: Int, category: String? = nil) {
        self.index = index
        self.question = question
        self.choices = choices
        self.answer = answer
        self.category = category
    }
}
