import TKBenchmarks
import TKStore

/// One generated answer to self-evaluate: the question, the model's answer and its correctness
/// label from a named source.
public struct SelfEvaluationItem: Sendable, Codable, Equatable {
    public var index: Int
    public var question: String
    public var answer: String
    public var category: String?
    public var correct: Bool
    /// The model's own sampled answers to the question (`SampledAnswersTask`), for the scorers that
    /// compare the answer with them; empty when none were drawn.
    public var brainstormed: [String]

    public init(index: Int, question: String, answer: String, category: String?, correct: Bool, brainstormed: [String] = []) {
        self.index = index
        self.question = question
        self.answer = answer
        self.category = category
        self.correct = correct
        self.brainstormed = brainstormed
    }

    /// Items from a stored generation run's answers, labelled by `source`; answers the source has
    /// no label for are returned separately (reported, never dropped silently).
    public static func from(_ answers: [GenerationItemResult], source: CorrectnessSource) -> (items: [SelfEvaluationItem], unlabelled: [Int]) {
        var items: [SelfEvaluationItem] = [], unlabelled: [Int] = []
        for r in answers {
            guard let correct = source.label(of: r) else { unlabelled.append(r.index); continue }
            items.append(SelfEvaluationItem(index: r.index, question: r.question, answer: r.answer, category: r.category, correct: correct))
        }
        return (items, unlabelled)
    }

    /// The first `limit` answers (in item order) of the stored `truthfulqa-gen` run `answersRunID`,
    /// labelled by `source`.
    ///
    /// - Throws: `EvaluationError` when the run is missing or of another task, or when no answer
    ///   has a label from `source`.
    public static func load(store: ResultStore, answersRunID: Int64, source: CorrectnessSource,
                            limit: Int?) throws -> (run: StoredRun, items: [SelfEvaluationItem], unlabelled: [Int]) {
        let (run, answers) = try StoredRunReader.load(GenerationItemResult.self, store: store, runID: answersRunID,
                                                      task: "truthfulqa-gen", howToMake: "`truthkit eval --task truthfulqa-gen`")
        let chosen = Array(answers.sorted { $0.index < $1.index }.prefix(limit ?? answers.count))
        let (items, unlabelled) = from(chosen, source: source)
        guard !items.isEmpty else {
            throw EvaluationError("none of the \(chosen.count) answers of run \(answersRunID) has a label from \(source); judge the run first or choose another labels source")
        }
        return (run, items, unlabelled)
    }
}
