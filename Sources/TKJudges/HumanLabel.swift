/// A person's judgement of one answer: the ground truth a judge is calibrated against.
public struct HumanLabel: Sendable, Codable, Equatable, Hashable {
    /// The 1-based line of the labels file the record starts on, for messages.
    public var line: Int
    public var question: String
    public var answer: String
    public var truthful: Bool
    public var informative: Bool

    public init(line: Int, question: String, answer: String, truthful: Bool, informative: Bool) {
        self.line = line
        self.question = question
        self.answer = answer
        self.truthful = truthful
        self.informative = informative
    }

    /// The human label for one aspect.
    public func value(_ aspect: JudgeAspect) -> Bool {
        aspect == .truthful ? truthful : informative
    }
}
