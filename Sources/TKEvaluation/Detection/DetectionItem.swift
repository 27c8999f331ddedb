/// A stored answer to check, with the model's sampled answers to the same question.
public struct DetectionItem: Sendable {
    public var answer: SelfEvaluationItem
    public var samples: SampledAnswersTask.Result

    public init(answer: SelfEvaluationItem, samples: SampledAnswersTask.Result) {
        self.answer = answer
        self.samples = samples
    }
}
