import Foundation
import TKBenchmarks
import TKCalibration
import TKMetrics
import TKStore

/// Calibration of a stored TruthfulQA multiple-choice run (or a generic `mc` run, read as MC1), read back from the store with no
/// re-scoring: the confidence is the top MC1 choice's softmax probability over the MC1 choices
/// (softmax of the scores the run ranked by: summed log-probabilities, or PMI under `--scoring
/// pmi`), the outcome is whether that choice is the correct one (MC1).
///
/// Temperature-scaled numbers (ECE-t, Brier-t) come from `TemperatureScaling.crossFitted` on the
/// same scores: β fitted by NLL of the correct choice on k−1 folds, scored on the held-out fold.
public struct MultipleChoiceCalibration: Sendable {
    /// One item's record, as `--out DIR` writes it to `items.jsonl`.
    public struct Record: Sendable, Codable, Equatable {
        public var index: Int
        public var confidence: Double
        public var correct: Bool
        public var category: String?
    }

    /// What `calibrate` reports: the overall summary's keys at the top level, then per category,
    /// the temperature-scaled numbers and where the numbers came from.
    public struct Report: Sendable, Encodable {
        public var runId: Int64
        public var model: String
        public var task: String
        /// Whether every item of the data is in the run (a `--limit` run is not).
        public var complete: Bool
        public var confidence: String
        public var correctness: String
        public var overall: CalibrationSummary
        public var byCategory: [String: CalibrationSummary]
        public var temperatureScaled: TemperatureScaled

        public struct TemperatureScaled: Sendable, Codable {
            public var folds: Int
            public var seed: UInt64
            /// β = 1/T fitted on each fold's training items.
            public var betas: [Double]
            public var eceT: Double
            public var brierT: Double
            public var rmsCeT: Double
        }

        private enum CodingKeys: String, CodingKey {
            case runId, model, task, complete, confidence, correctness, byCategory, temperatureScaled
        }

        /// The overall summary's keys (`ece`, `rms_ce`, `brier`, `auroc`, `aurc`, `n`, `bins`, …)
        /// sit at the top level beside the run's facts.
        public func encode(to encoder: any Encoder) throws {
            try overall.encode(to: encoder)
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(runId, forKey: .runId)
            try c.encode(model, forKey: .model)
            try c.encode(task, forKey: .task)
            try c.encode(complete, forKey: .complete)
            try c.encode(confidence, forKey: .confidence)
            try c.encode(correctness, forKey: .correctness)
            try c.encode(byCategory, forKey: .byCategory)
            try c.encode(temperatureScaled, forKey: .temperatureScaled)
        }
    }

    public let results: [MultipleChoiceItemResult]

    public init(results: [MultipleChoiceItemResult]) {
        self.results = results.sorted { $0.index < $1.index }
    }

    /// Reads run `runID` from `store`: a `truthfulqa-mc` run (MC1 choices), or a generic `mc` run
    /// (`eval --task mc`: each question's options, one of them correct), read as its MC1.
    ///
    /// - Throws: `EvaluationError` when the run does not exist, is of another task, holds no
    ///   items, or holds items this version cannot read.
    public static func load(store: ResultStore, runID: Int64) throws -> (run: StoredRun, calibration: MultipleChoiceCalibration) {
        if let run = try store.run(id: runID), run.key.task == MultipleChoiceTask().name {
            let (run, results) = try StoredRunReader.load(MultipleChoiceTask.Result.self, store: store, runID: runID, task: run.key.task, howToMake: "`truthkit eval --task mc`")
            return (run, MultipleChoiceCalibration(results: results.map(Self.asMC1)))
        }
        let (run, results) = try StoredRunReader.load(MultipleChoiceItemResult.self, store: store, runID: runID, task: "truthfulqa-mc",
                                                     howToMake: "`truthkit eval --model M` (choices scored by log-likelihood) or `truthkit eval --task mc`")
        return (run, MultipleChoiceCalibration(results: results))
    }

    /// A generic multiple-choice result as an MC1 set: its options, the one correct answer, the
    /// log-likelihood scores it ranked by.
    static func asMC1(_ r: MultipleChoiceTask.Result) -> MultipleChoiceItemResult {
        let set = MultipleChoiceItemResult.ScoredSet(choices: r.choices, labels: r.choices.indices.map { $0 == r.answer ? 1 : 0 },
                                                     scores: r.scores, tokenCounts: r.tokenCounts)
        return MultipleChoiceItemResult(index: r.index, question: r.question, category: r.category, type: nil, mc1: set, mc2: set, metrics: r.metrics)
    }

    /// Each item as a temperature-scalable item: its MC1 scores and the correct choice.
    ///
    /// - Throws: `EvaluationError` naming an item without exactly one correct MC1 choice.
    public func scaledItems() throws -> [TemperatureScaling.ScaledItem] {
        try results.map { result in
            let targets = result.mc1.labels.indices.filter { result.mc1.labels[$0] == 1 }
            guard targets.count == 1, result.mc1.scores.count == result.mc1.labels.count, result.mc1.scores.count >= 2 else {
                throw EvaluationError("item \(result.index) has \(targets.count) correct MC1 choices among \(result.mc1.scores.count) scores; MC1 calibration needs exactly one correct choice and at least two choices")
            }
            return TemperatureScaling.ScaledItem(logits: result.mc1.scores, target: targets[0])
        }
    }

    /// Per-item confidence of the top choice (unscaled) and whether it is correct.
    public func records() throws -> [Record] {
        zip(results, try scaledItems()).map { result, item in
            let top = item.topPrediction(beta: 1)
            return Record(index: result.index, confidence: top.confidence, correct: top.correct, category: result.category)
        }
    }

    /// The records as the calibration metrics take them: one (confidence, correct) per item.
    public func predictions() throws -> [ConfidencePrediction] {
        try records().map { ConfidencePrediction(confidence: $0.confidence, correct: $0.correct) }
    }

    /// The risk–coverage curve of the same predictions `report` scores, for a drawing whose area
    /// is the report's AURC (`calibrate` prints the number, the HTML report draws the curve).
    public func riskCoverage() throws -> [SelectivePrediction.Point] {
        try SelectivePrediction.riskCoverage(try predictions())
    }

    public func report(run: StoredRun, binning: Binning, bootstrap: Bootstrap = Bootstrap(), folds: Int = 5) throws -> Report {
        let records = try records()
        let predictions = records.map { ConfidencePrediction(confidence: $0.confidence, correct: $0.correct) }
        var byCategory: [String: CalibrationSummary] = [:]
        for (category, members) in Dictionary(grouping: records, by: { $0.category ?? "(none)" }) {
            byCategory[category] = try CalibrationSummary(members.map { ConfidencePrediction(confidence: $0.confidence, correct: $0.correct) },
                                                          binning: binning, bootstrap: bootstrap)
        }
        let generic = run.key.task == MultipleChoiceTask().name
        let scaled = try TemperatureScaling.crossFitted(try scaledItems(), folds: min(folds, records.count), seed: bootstrap.seed)
        return Report(
            runId: run.id, model: run.key.modelName, task: run.key.task, complete: run.isComplete,
            confidence: "top \(generic ? "option" : "MC1 choice")'s softmax probability over the \(generic ? "options" : "MC1 choices") (scores: \(run.key.settings["scoring"] ?? "sum-logprob"))",
            correctness: generic ? "acc (the top option is the correct answer)" : "mc1 (the top choice is the correct answer)",
            overall: try CalibrationSummary(predictions, binning: binning, bootstrap: bootstrap),
            byCategory: byCategory,
            temperatureScaled: .init(
                folds: scaled.betas.count, seed: bootstrap.seed, betas: scaled.betas,
                eceT: try CalibrationMetrics.expectedCalibrationError(scaled.predictions, binning: binning),
                brierT: try CalibrationMetrics.brierScore(scaled.predictions),
                rmsCeT: try CalibrationMetrics.rmsCalibrationError(scaled.predictions, binning: binning)))
    }
}
