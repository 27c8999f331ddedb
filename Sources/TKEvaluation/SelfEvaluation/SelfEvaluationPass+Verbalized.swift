import TKBenchmarks
import TKCalibration
import TKEvalCore
import TKMetrics

extension SelfEvaluationPass {
    /// What `truthkit selfeval --method verb-1s-top1|verb-1s-topK|ling-1s --json` prints: the
    /// calibration summary (over the replies that were read and labelled) at the top level, absent
    /// when no reply could be read (a small model that ignores the format: the failures say so).
    public struct VerbalizedReport: Sendable, Encodable {
        public struct Failure: Sendable, Encodable {
            public var index: Int
            public var reason: String
        }

        public var method: String
        public var runId: Int64
        public var labels: String
        /// Replies read / asked.
        public var parsed: Int
        public var asked: Int
        /// Every reply that could not be read, with why: left out of the numbers, never guessed.
        public var parseFailures: [Failure]
        /// Read replies whose guess has no label (an item without false references).
        public var unlabelled: [Int]
        public var seconds: Double
        public var summary: CalibrationSummary?
        /// Ling. 1S only: each expression mapped to the accuracy of that expression on the other
        /// folds' items (Ling-opt), scored on the held-out fold.
        public var lingOpt: CalibrationSummary?

        private enum CodingKeys: String, CodingKey { case method, runId, labels, parsed, asked, parseFailures, unlabelled, seconds, lingOpt }

        public func encode(to encoder: any Encoder) throws {
            try summary?.encode(to: encoder)
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(method, forKey: .method)
            try c.encode(runId, forKey: .runId)
            try c.encode(labels, forKey: .labels)
            try c.encode(parsed, forKey: .parsed)
            try c.encode(asked, forKey: .asked)
            try c.encode(parseFailures, forKey: .parseFailures)
            try c.encode(unlabelled, forKey: .unlabelled)
            try c.encode(seconds, forKey: .seconds)
            try c.encodeIfPresent(lingOpt, forKey: .lingOpt)
        }
    }

    /// Verbalized confidence on `items` (generation questions), labelled by the similarity metric
    /// `labelMetric` of each guess (`bleu_acc`, `rouge1_acc`, `rougeL_acc`).
    public func verbalized(_ task: VerbalizedConfidenceTask, items: [TruthfulQAItem], data: DatasetIdentity, model: any LanguageModel,
                           modelSettings: [String: String] = [:], labelMetric: String, binning: Binning, bootstrap: Bootstrap = Bootstrap(),
                           folds: Int = 5) async throws -> VerbalizedReport {
        let outcome = try await evaluator.run(task, items: items, model: model, data: data, settings: modelSettings, label: task.style.id)
        var failures: [VerbalizedReport.Failure] = [], unlabelled: [Int] = []
        var labelled: [(index: Int, reading: VerbalizedConfidence.Reading, correct: Bool)] = []
        for r in outcome.results {
            guard let reading = r.reading else {
                failures.append(.init(index: r.index, reason: r.failure ?? "unreadable"))
                continue
            }
            guard let value = r.metrics[labelMetric] else { unlabelled.append(r.index); continue }
            labelled.append((r.index, reading, value == 1))
        }
        let predictions = labelled.map { ConfidencePrediction(confidence: $0.reading.confidence, correct: $0.correct) }
        let summary = labelled.isEmpty ? nil : try CalibrationSummary(predictions, binning: binning, bootstrap: bootstrap)
        if let summary { try await outcome.finishIfComplete(summary: summary) }
        var lingOpt: CalibrationSummary?
        if task.style == .linguistic, !labelled.isEmpty {
            let fitted = Self.lingOpt(labelled.map { ($0.reading.expression ?? "", $0.reading.confidence, $0.correct) }, folds: min(folds, labelled.count))
            lingOpt = try CalibrationSummary(fitted, binning: binning, bootstrap: bootstrap)
        }
        return VerbalizedReport(method: task.style.id, runId: outcome.runID, labels: labelMetric, parsed: outcome.results.count - failures.count,
                                asked: outcome.results.count, parseFailures: failures, unlabelled: unlabelled, seconds: outcome.seconds,
                                summary: summary, lingOpt: lingOpt)
    }

    /// Ling-opt: item i (fold i mod k, in item order) gets the accuracy of its expression among the
    /// other folds' items; an expression those folds never used keeps its Ling-human value.
    public static func lingOpt(_ rows: [(expression: String, human: Double, correct: Bool)], folds: Int) -> [ConfidencePrediction] {
        rows.indices.map { i in
            let training = rows.indices.filter { $0 % folds != i % folds && rows[$0].expression == rows[i].expression }
            let confidence = training.isEmpty ? rows[i].human : Double(training.count { rows[$0].correct }) / Double(training.count)
            return ConfidencePrediction(confidence: confidence, correct: rows[i].correct)
        }
    }
}
