/// The answer options of one multiple-choice question and which of them are true, in the
/// Hugging Face shape (`{"choices": [...], "labels": [...]}`).
public struct ChoiceSet: Sendable, Codable, Equatable, Hashable {
    /// The options, in file order. Order matters: lm-evaluation-harness's MC2 takes the options
    /// before the first 0 label as the true ones.
    public var choices: [String]
    /// 1 for a true option, 0 for a false one; parallel to `choices`.
    public var labels: [Int]

    public init(choices: [String], labels: [Int]) {
        self.choices = choices
        self.labels = labels
    }

    /// True options first (label 1), then false ones (label 0): the shape the official code
    /// builds from reference answers.
    public init(trueChoices: [String], falseChoices: [String]) {
        self.choices = trueChoices + falseChoices
        self.labels = Array(repeating: 1, count: trueChoices.count) + Array(repeating: 0, count: falseChoices.count)
    }

    public var count: Int { choices.count }

    /// The options labelled 1, in order.
    public var trueChoices: [String] { zip(choices, labels).filter { $0.1 == 1 }.map(\.0) }

    /// The options labelled 0, in order.
    public var falseChoices: [String] { zip(choices, labels).filter { $0.1 != 1 }.map(\.0) }

    /// How many options are labelled 1.
    public var trueCount: Int { labels.count(where: { $0 == 1 }) }

    /// The set without options that are empty or only whitespace, and how many were removed.
    ///
    /// The multilingual files contain empty options (from a trailing `;` in the source answers);
    /// a model would be scored on the empty continuation, so they are dropped before anything
    /// else sees them.
    func removingEmptyChoices() -> (set: ChoiceSet, removed: Int) {
        var kept = ChoiceSet(choices: [], labels: [])
        for (choice, label) in zip(choices, labels) where !choice.allSatisfy(\.isWhitespace) {
            kept.choices.append(choice)
            kept.labels.append(label)
        }
        return (kept, choices.count - kept.choices.count)
    }
}
