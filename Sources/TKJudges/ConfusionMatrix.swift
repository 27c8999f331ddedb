/// A judge's yes/no decisions against human labels, "yes" (truthful, informative) as the positive class.
public struct ConfusionMatrix: Sendable, Codable, Equatable, Hashable {
    /// Judge yes, human yes.
    public var truePositives: Int
    /// Judge yes, human no.
    public var falsePositives: Int
    /// Judge no, human yes.
    public var falseNegatives: Int
    /// Judge no, human no.
    public var trueNegatives: Int

    public init(truePositives: Int = 0, falsePositives: Int = 0, falseNegatives: Int = 0, trueNegatives: Int = 0) {
        self.truePositives = truePositives
        self.falsePositives = falsePositives
        self.falseNegatives = falseNegatives
        self.trueNegatives = trueNegatives
    }

    /// Counts paired decisions.
    ///
    /// - Throws: `JudgeError.mismatchedInputs` when the arrays differ in length.
    public init(predictions: [Bool], labels: [Bool]) throws {
        guard predictions.count == labels.count else {
            throw JudgeError(.mismatchedInputs, "Got \(predictions.count) judge decisions but \(labels.count) human labels; give one label per decision.")
        }
        self.init()
        for (prediction, label) in zip(predictions, labels) { add(prediction: prediction, label: label) }
    }

    public mutating func add(prediction: Bool, label: Bool) {
        switch (prediction, label) {
        case (true, true): truePositives += 1
        case (true, false): falsePositives += 1
        case (false, true): falseNegatives += 1
        case (false, false): trueNegatives += 1
        }
    }

    public var total: Int { truePositives + falsePositives + falseNegatives + trueNegatives }

    /// Share of decisions that agree with the label; nil for an empty matrix.
    public var accuracy: Double? {
        total == 0 ? nil : Double(truePositives + trueNegatives) / Double(total)
    }

    /// Cohen's kappa: agreement beyond what two raters with these yes-rates would reach by chance,
    /// κ = (pₒ − pₑ) / (1 − pₑ). 1 is perfect agreement, 0 chance level, negative worse than chance.
    ///
    /// nil when it is undefined: an empty matrix, or pₑ = 1 (both raters gave one and the same
    /// label to everything, so there is no disagreement that chance could explain; scikit-learn
    /// returns NaN there).
    public var cohensKappa: Double? {
        let n = Double(total)
        guard n > 0 else { return nil }
        let observed = Double(truePositives + trueNegatives) / n
        let judgeYes = Double(truePositives + falsePositives) / n
        let humanYes = Double(truePositives + falseNegatives) / n
        let expected = judgeYes * humanYes + (1 - judgeYes) * (1 - humanYes)
        guard expected < 1 else { return nil }
        return (observed - expected) / (1 - expected)
    }
}
