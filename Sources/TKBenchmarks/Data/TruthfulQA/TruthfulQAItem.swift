/// One TruthfulQA question with everything the tasks need: the generation references and the
/// MC1/MC2 targets.
///
/// Loaded from the official CSV, the MC fields are built the way the official code builds them
/// (see `ReferenceAnswers`). Loaded from a multiple-choice JSONL file, they are taken as written
/// (empty options dropped), and the answer lists come from the record's `correct_answers` /
/// `incorrect_answers` when present, else from the MC2 options (true ones / false ones).
public struct TruthfulQAItem: Sendable, Codable, Equatable, Hashable {
    /// The 0-based position of the record in its file.
    public var index: Int
    public var question: String
    /// The CSV's `Category` (38 in 2021, 37 in 2025); nil when the file has none and no CSV
    /// row matched.
    public var category: String?
    /// The CSV's `Type`; nil as for `category`.
    public var type: QuestionType?
    /// `Best Answer` as written (trimmed); for JSONL records without `best_answer`, the MC1 true option.
    public var bestAnswer: String?
    /// `Best Incorrect Answer`, only in the 2025 CSV (the false option of its 2-option task).
    public var bestIncorrectAnswer: String?
    /// Reference true answers as written: split on `;`, trimmed, empties dropped, no period added.
    public var correctAnswers: [String]
    /// Reference false answers, as `correctAnswers`.
    public var incorrectAnswers: [String]
    /// One true option (label 1) among false ones.
    public var mc1: ChoiceSet
    /// Every true option (label 1) and every false option (label 0).
    public var mc2: ChoiceSet
    /// The CSV's `Source` (usually a URL); nil when empty or absent.
    public var source: String?
    /// The language code of the text (`en`, `es`, `ca`, `eu`, `gl`).
    public var language: String

    public init(
        index: Int, question: String, category: String? = nil, type: QuestionType? = nil,
        bestAnswer: String? = nil, bestIncorrectAnswer: String? = nil,
        correctAnswers: [String] = [], incorrectAnswers: [String] = [],
        mc1: ChoiceSet, mc2: ChoiceSet, source: String? = nil, language: String = "en"
    ) {
        self.index = index
        self.question = question
        self.category = category
        self.type = type
        self.bestAnswer = bestAnswer
        self.bestIncorrectAnswer = bestIncorrectAnswer
        self.correctAnswers = correctAnswers
        self.incorrectAnswers = incorrectAnswers
        self.mc1 = mc1
        self.mc2 = mc2
        self.source = source
        self.language = language
    }
}
