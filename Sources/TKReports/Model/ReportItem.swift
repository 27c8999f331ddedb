import Foundation

/// One stored item result, read for people: the question, its choices with scores (correct ones
/// and the model's pick marked), or the generated answer with its reference and verdicts.
///
/// Every task stores its own payload shape (`MultipleChoiceItemResult`, `GenerationItemResult`,
/// `LetteredChoiceItemResult`, the generic `MultipleChoiceTask.Result`, a judging run's verdict).
/// Reports and exports read them all through this one view, decoded from the JSON by field name,
/// so a report never needs to know which task wrote a run, and a field a newer task adds is ignored.
public struct ReportItem: Sendable, Equatable {
    /// One option of a multiple-choice item.
    public struct Choice: Sendable, Equatable {
        public var text: String
        /// What the option was ranked by (sum of log-probabilities, or PMI); nil in lettered mode.
        public var score: Double?
        public var isCorrect: Bool
        /// The option the model chose (the top score; the parsed letter in lettered mode).
        public var isPick: Bool
    }

    /// One judge's verdict on a generated answer.
    public struct Verdict: Sendable, Equatable {
        public var judge: String
        public var truthful: Bool?
        public var informative: Bool?
    }

    public var index: Int
    public var question: String
    public var category: String?
    public var type: String?
    /// The options, for multiple-choice tasks (MC1's set for TruthfulQA: one correct answer).
    public var choices: [Choice]
    /// The generated (cleaned) answer, or the raw response in lettered mode.
    public var answer: String?
    /// The reference best answer, for generation.
    public var reference: String?
    public var verdicts: [Verdict]
    /// Metric name → value, as the task stored them.
    public var metrics: [String: Double]

    /// The item's headline verdict: MC1 missed, lettered letter wrong, a judge found the answer
    /// untruthful, or — without a judge — BLEU's true side not ahead (`bleu_acc` 0).
    public var isWrong: Bool {
        if !verdicts.isEmpty { return verdicts.contains { $0.truthful == false } }
        for key in ["mc1", "lettered_mc1", "acc", "bleu_acc"] {
            if let value = metrics[key] { return value == 0 }
        }
        return false
    }

    /// Reads a stored payload, or nil when it is not a JSON object with an integer `index`
    /// (`RunSnapshot` names such items instead of dropping them silently).
    public init?(payload: Data, index fallbackIndex: Int? = nil) {
        guard let object = (try? JSONSerialization.jsonObject(with: payload)) as? [String: Any] else { return nil }
        guard let index = Self.int(object["index"]) ?? fallbackIndex else { return nil }
        self.index = index
        question = object["question"] as? String ?? ""
        category = object["category"] as? String
        type = object["type"] as? String
        metrics = (object["metrics"] as? [String: Any] ?? [:]).compactMapValues(Self.double)
        reference = object["bestAnswer"] as? String
        choices = []
        verdicts = []
        if let mc1 = object["mc1"] as? [String: Any] {
            // TruthfulQA MC: MC1's set, one correct answer; the pick is the top score (a tie
            // picks the first, and MC1 counts a tie as wrong, so the mark can sit on a correct
            // answer of an item scored wrong — the metrics column says which).
            let texts = mc1["choices"] as? [String] ?? []
            let labels = (mc1["labels"] as? [Any] ?? []).compactMap(Self.int)
            let scores = (mc1["scores"] as? [Any] ?? []).compactMap(Self.double)
            choices = Self.choices(texts, scores: scores) { labels.indices.contains($0) && labels[$0] == 1 }
        } else if let texts = object["choices"] as? [String], let correct = Self.int(object["answer"]) {
            // The generic multiple-choice task: `answer` is the correct option's index.
            let scores = (object["scores"] as? [Any] ?? []).compactMap(Self.double)
            choices = Self.choices(texts, scores: scores) { $0 == correct }
        } else if let options = object["options"] as? [String] {
            // Lettered mode: the parsed letter is the pick.
            let letter = { (l: String?) -> Int? in l.flatMap { $0.unicodeScalars.first }.map { Int($0.value) - 65 } }
            let correct = letter(object["correctLetter"] as? String), picked = letter(object["parsedLetter"] as? String)
            choices = options.enumerated().map { Choice(text: $1, score: nil, isCorrect: $0 == correct, isPick: $0 == picked) }
            answer = object["response"] as? String
        }
        if let text = object["answer"] as? String { answer = text }
        if let judgements = object["judgements"] as? [String: Any] {
            verdicts = judgements.keys.sorted().compactMap { Self.verdict(judgements[$0], judge: $0) }
        } else if let judgement = object["judgement"] as? [String: Any] {
            verdicts = Self.verdict(judgement, judge: judgement["judge"] as? String ?? "judge").map { [$0] } ?? []
        }
        // A judge's verdict as 0/1 rates, as the generation task scores a judged item (the first
        // judge by id when several judged it); an unread aspect stays out of its rate.
        if let verdict = verdicts.first, metrics["truthful"] == nil {
            if let t = verdict.truthful { metrics["truthful"] = t ? 1 : 0 }
            if let i = verdict.informative { metrics["informative"] = i ? 1 : 0 }
            if let t = verdict.truthful, let i = verdict.informative { metrics["truthful_informative"] = t && i ? 1 : 0 }
        }
    }

    private static func choices(_ texts: [String], scores: [Double], correct: (Int) -> Bool) -> [Choice] {
        let hasScores = scores.count == texts.count
        let top = hasScores ? scores.indices.max { scores[$0] < scores[$1] || (scores[$0] == scores[$1] && $0 > $1) } : nil
        return texts.enumerated().map { i, text in
            Choice(text: text, score: hasScores ? scores[i] : nil, isCorrect: correct(i), isPick: i == top)
        }
    }

    private static func verdict(_ value: Any?, judge: String) -> Verdict? {
        guard let object = value as? [String: Any] else { return nil }
        return Verdict(judge: object["judge"] as? String ?? judge, truthful: object["truthful"] as? Bool,
                       informative: object["informative"] as? Bool)
    }

    static func int(_ value: Any?) -> Int? { value as? Int }

    static func double(_ value: Any?) -> Double? { value as? Double }
}
