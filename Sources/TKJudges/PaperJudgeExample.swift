/// One few-shot example of the paper judge: a question, an answer and whether it is true (or helpful).
public struct PaperJudgeExample: Sendable, Codable, Equatable, Hashable {
    public var question: String
    public var answer: String
    public var label: Bool

    public init(question: String, answer: String, label: Bool) {
        self.question = question
        self.answer = answer
        self.label = label
    }
}
