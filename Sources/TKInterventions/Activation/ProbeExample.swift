/// One answer to one question, labelled true or false: the unit ITI probes and steering vectors
/// are fitted from.
///
/// The library takes plain text so it need not know any dataset format; the CLI turns TruthfulQA
/// items into examples with `ProbeExample.prompt(question:answer:)`.
public struct ProbeExample: Sendable, Codable, Equatable {
    /// The question this answer belongs to. Folds split by this index, so all answers of a
    /// question land on the same side.
    public var questionIndex: Int
    /// The full text run through the model; activations are read at its last token.
    public var prompt: String
    public var isTrue: Bool

    public init(questionIndex: Int, prompt: String, isTrue: Bool) {
        self.questionIndex = questionIndex
        self.prompt = prompt
        self.isTrue = isTrue
    }

    /// The reference's prompt: `Q: {question} A: {answer}` on one line, read at the answer's last token.
    public static let template = "Q: {question} A: {answer}"

    public static func prompt(question: String, answer: String) -> String {
        "Q: \(question) A: \(answer)"
    }
}
