import TKBenchmarks

/// How P(True) asks: zero-shot, after worked examples, or with the model's own brainstormed answers.
public enum PTruePrompting: Sendable, Equatable {
    case zeroShot
    /// Each example is Kadavath's prompt followed by its answer, ` (A)` for a true one, ` (B)`
    /// for a false one, separated by blank lines.
    case fewShot([PTrueExample])
    /// The first `ideas` of the item's `brainstormed` samples (Kadavath used 5 at T=1).
    case brainstorm(ideas: Int)

    /// Recorded as the run's `prompt` setting (zero-shot keeps the id it always had).
    public var id: String {
        switch self {
        case .zeroShot: "kadavath-zero-shot"
        case .fewShot: "kadavath-few-shot"
        case .brainstorm: "kadavath-brainstorm"
        }
    }
}

/// A worked P(True) example: a question, an answer and whether the answer is true.
public struct PTrueExample: Sendable, Equatable {
    public var question: String
    public var answer: String
    public var isTrue: Bool

    public init(question: String, answer: String, isTrue: Bool) {
        self.question = question
        self.answer = answer
        self.isTrue = isTrue
    }

    /// `shots` examples from reference answers of questions outside `excluded`, taken from the end
    /// of the data so they never overlap the first questions of a `--limit` run: one answer per
    /// question, the best answer (true) and the best incorrect answer (false) in turn, so the
    /// labels are balanced.
    ///
    /// Kadavath et al. drew their examples from the model's own labelled samples on other
    /// questions; reference answers need no labels and no extra generation, and say so in the run's
    /// settings (`examples`).
    ///
    /// The 2021 CSVs name no best incorrect answer; the first incorrect answer stands in for it.
    ///
    /// - Throws: `EvaluationError` when the data has fewer than `shots` usable questions (never a
    ///   prompt with fewer examples than asked for).
    public static func fromReferences(_ items: [TruthfulQAItem], excluding excluded: Set<String>, shots: Int) throws -> [PTrueExample] {
        var examples: [PTrueExample] = []
        for (n, item) in items.reversed().filter({ !excluded.contains($0.question) }).enumerated() {
            guard let best = item.bestAnswer, let worst = item.bestIncorrectAnswer ?? item.incorrectAnswers.first else { continue }
            let pair = [PTrueExample(question: item.question, answer: best, isTrue: true),
                        PTrueExample(question: item.question, answer: worst, isTrue: false)]
            // One answer per question: true for even positions, false for odd.
            examples.append(pair[n % 2])
            if examples.count == shots { break }
        }
        guard examples.count == shots else {
            throw EvaluationError("only \(examples.count) questions outside the scored answers have a best answer and an incorrect answer; ask for --shots \(examples.count) or fewer")
        }
        return examples
    }
}
