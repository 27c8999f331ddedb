/// One question as a contrast of answers: the prompt, a true and a false answer. Truth Neurons and
/// GrAInS attribute `log p(true answer | prompt) − log p(false answer | prompt)` (sums over the
/// answers' tokens, each after a space).
public struct AnswerContrast: Sendable, Equatable {
    public var questionIndex: Int
    public var prompt: String
    public var trueAnswer: String
    public var falseAnswer: String

    public init(questionIndex: Int, prompt: String, trueAnswer: String, falseAnswer: String) {
        self.questionIndex = questionIndex
        self.prompt = prompt
        self.trueAnswer = trueAnswer
        self.falseAnswer = falseAnswer
    }

    /// The question as the last block of the QA primer: `Q: {question}\nA:`; answers follow after a space.
    public static let template = "Q: {question}\nA:"

    public static func prompt(question: String) -> String { "Q: \(question)\nA:" }
}
