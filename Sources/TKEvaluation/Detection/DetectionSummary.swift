import Foundation
import TKCalibration
import TKMetrics

/// How well one uncertainty score separates wrong answers from right ones: AUROC of the negated
/// score against correctness (so 0.5 is chance, above it means higher uncertainty goes with wrong
/// answers), with a bootstrap interval over items, and the selective-prediction areas.
///
/// AURC and AURAC depend only on the order of the scores, so they are computed on `exp(−u)`, a
/// strictly decreasing map of the (non-negative) uncertainty into 0…1.
public struct DetectionSummary: Sendable, Codable, Equatable {
    public var score: String
    /// Items that had this score (an answer with no sentence has no SelfCheck score).
    public var n: Int
    public var accuracy: Double
    public var auroc: Double?
    public var aurocLow: Double?
    public var aurocHigh: Double?
    public var aurc: Double
    public var aurac: Double

    /// - Throws: `MetricsError` when no item has the score.
    public init(score: String, uncertainties: [Double], correct: [Bool], bootstrap: Bootstrap = Bootstrap()) throws {
        let confidence = uncertainties.map { -$0 }
        let estimate = try GroupedAUROC.estimate(scores: confidence, labels: correct, groups: Array(correct.indices), bootstrap: bootstrap)
        let predictions = zip(uncertainties, correct).map { ConfidencePrediction(confidence: exp(-max(0, $0)), correct: $1) }
        self.score = score
        n = correct.count
        accuracy = Double(correct.count { $0 }) / Double(max(1, n))
        auroc = estimate.auroc
        aurocLow = estimate.lower
        aurocHigh = estimate.upper
        aurc = try SelectivePrediction.aurc(predictions)
        aurac = try SelectivePrediction.aurac(predictions)
    }

    /// One summary per score name over `results` (items lacking a score are left out of that one).
    public static func summaries(names: [String], scores: [[String: Double]], correct: [Bool], bootstrap: Bootstrap) throws -> [DetectionSummary] {
        try names.compactMap { name in
            let rows = scores.indices.filter { scores[$0][name] != nil }
            guard !rows.isEmpty else { return nil }
            return try DetectionSummary(score: name, uncertainties: rows.map { scores[$0][name]! }, correct: rows.map { correct[$0] }, bootstrap: bootstrap)
        }
    }
}
