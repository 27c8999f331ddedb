import Testing
import TKCalibration
import TKMetrics

/// Twelve predictions with no tied confidences, shared by the tests against numpy/scikit-learn.
/// Reference values were computed with numpy 2.4.6 and scikit-learn 1.9.1 (script below), not by
/// this code:
///
/// ```python
/// c = np.array([0.95,0.9,0.85,0.8,0.72,0.66,0.61,0.55,0.43,0.38,0.3,0.12]); y = np.array([1,1,0,1,1,0,1,0,0,1,0,0])
/// def ece_bins(bins):  # weighted |acc − conf| and sqrt of weighted (acc − conf)² over non-empty bins
///     e = r = 0
///     for b in np.unique(bins): m = bins == b; g = y[m].mean() - c[m].mean(); e += m.mean()*abs(g); r += m.mean()*g**2
///     return e, np.sqrt(r)
/// ece_bins(np.minimum((c*5).astype(int), 4))                     # equal-width, 5 bins
/// order = np.argsort(c, kind='stable'); em = np.empty(12, int)   # equal-mass, 5 bins
/// for b, chunk in enumerate(np.array_split(order, 5)): em[chunk] = b
/// brier_score_loss(y, c); roc_auc_score(y, c)
/// s = np.argsort(-c); aurc = (np.cumsum(1-y[s])/np.arange(1,13)).mean()
/// oracle = (np.cumsum(1-np.sort(y)[::-1])/np.arange(1,13)).mean()  # E-AURC = aurc − oracle
/// # AURAC: jlko/semantic_uncertainty eval_utils.py logic with u = −c
/// qs = np.linspace(0.1, 1, 20); accs = [np.mean(y[-c <= np.quantile(-c, q)]) for q in qs]; (np.array(accs)*(qs[1]-qs[0])).sum()
/// ```
private let confidences = [0.95, 0.9, 0.85, 0.8, 0.72, 0.66, 0.61, 0.55, 0.43, 0.38, 0.3, 0.12]
private let outcomes = [true, true, false, true, true, false, true, false, false, true, false, false]
private let twelve = zip(confidences, outcomes).map { ConfidencePrediction(confidence: $0, correct: $1) }

private func near(_ a: Double?, _ b: Double, _ tolerance: Double = 1e-12) -> Bool {
    guard let a else { return false }
    return abs(a - b) <= tolerance
}

struct CalibrationMetricsTests {
    @Test func eceAndRMSWorkedByHand() throws {
        // Two equal-width bins: [0.2, 0.4] → conf 0.3, acc 0.5 (gap 0.2); [0.7, 0.9] → conf 0.8,
        // acc 1 (gap 0.2). ECE = ½·0.2 + ½·0.2 = 0.2; RMS = sqrt(½·0.04 + ½·0.04) = 0.2.
        let p = [(0.2, false), (0.4, true), (0.7, true), (0.9, true)].map { ConfidencePrediction(confidence: $0, correct: $1) }
        let binning = Binning(scheme: .equalWidth, count: 2)
        #expect(near(try CalibrationMetrics.expectedCalibrationError(p, binning: binning), 0.2))
        #expect(near(try CalibrationMetrics.rmsCalibrationError(p, binning: binning), 0.2))
        // Unequal gaps separate ECE from RMS: [0.1 ✓, 0.3 ✗, 0.6 ✓, 0.8 ✓] in 2 bins → gaps 0.3
        // (acc 0.5 vs 0.2) and 0.3 (1 vs 0.7)… and with 4 equal-mass bins the gaps are 0.9, 0.3,
        // 0.4, 0.2 → ECE = (0.9+0.3+0.4+0.2)/4 = 0.45, RMS = sqrt((0.81+0.09+0.16+0.04)/4) = sqrt(0.275).
        let q = [(0.1, true), (0.3, false), (0.6, true), (0.8, true)].map { ConfidencePrediction(confidence: $0, correct: $1) }
        #expect(near(try CalibrationMetrics.expectedCalibrationError(q, binning: binning), 0.3))
        let four = Binning(scheme: .equalMass, count: 4)
        #expect(near(try CalibrationMetrics.expectedCalibrationError(q, binning: four), 0.45))
        #expect(near(try CalibrationMetrics.rmsCalibrationError(q, binning: four), 0.275.squareRoot()))
    }

    @Test func matchesNumpyOnEqualWidthAndEqualMassBins() throws {
        let width = Binning(scheme: .equalWidth, count: 5), mass = Binning(scheme: .equalMass, count: 5)
        #expect(near(try CalibrationMetrics.expectedCalibrationError(twelve, binning: width), 0.16083333333333336))
        #expect(near(try CalibrationMetrics.rmsCalibrationError(twelve, binning: width), 0.22515426810177158))
        #expect(near(try CalibrationMetrics.expectedCalibrationError(twelve, binning: mass), 0.16416666666666666))
        #expect(near(try CalibrationMetrics.rmsCalibrationError(twelve, binning: mass), 0.18798640612791365))
        // np.array_split of 12 into 5: sizes 3, 3, 2, 2, 2, lowest confidences first.
        #expect(try CalibrationMetrics.reliabilityBins(twelve, binning: mass).map(\.count) == [3, 3, 2, 2, 2])
    }

    @Test func reliabilityBinsCarryMeanConfidenceAccuracyAndCount() throws {
        // Equal-width, 2 bins: {0.12, 0.3, 0.38, 0.43} (1 of 4 correct) and the other 8 (5 correct).
        let bins = try CalibrationMetrics.reliabilityBins(twelve, binning: Binning(scheme: .equalWidth, count: 2))
        #expect(bins.map(\.count) == [4, 8])
        #expect(near(bins[0].confidence, (0.12 + 0.3 + 0.38 + 0.43) / 4))
        #expect(near(bins[0].accuracy, 0.25))
        #expect(near(bins[1].accuracy, 5.0 / 8))
    }

    @Test func brierAndAUROCMatchScikitLearn() throws {
        #expect(near(try CalibrationMetrics.brierScore(twelve), 0.20144166666666666))
        #expect(near(try CalibrationMetrics.auroc(twelve), 0.7777777777777778))
        #expect(try CalibrationMetrics.auroc(twelve.map { ConfidencePrediction(confidence: $0.confidence, correct: true) }) == nil)
    }

    @Test func presetsAreTheReferenceConventions() {
        #expect(Binning.kadavath == Binning(scheme: .equalMass, count: 10))
        #expect(Binning.polygraph == Binning(scheme: .equalWidth, count: 20))
    }

    @Test func rejectsBadInputWithAMessage() {
        #expect(throws: MetricsError.self) { try CalibrationMetrics.expectedCalibrationError([], binning: .kadavath) }
        #expect(throws: MetricsError.self) {
            try CalibrationMetrics.expectedCalibrationError([ConfidencePrediction(confidence: 1.5, correct: true)], binning: .kadavath)
        }
        #expect(throws: MetricsError.self) { try CalibrationMetrics.reliabilityBins(twelve, binning: Binning(scheme: .equalMass, count: 0)) }
        #expect(throws: MetricsError.self) { try SelectivePrediction.aurc([ConfidencePrediction(confidence: .nan, correct: true)]) }
    }
}

struct SelectivePredictionTests {
    @Test func aurcAndExcessMatchNumpy() throws {
        #expect(near(try SelectivePrediction.aurc(twelve), 0.29803090428090423))
        #expect(near(try SelectivePrediction.excessAURC(twelve), 0.12463624338624332))
    }

    @Test func auracMatchesTheSemanticEntropyCode() throws {
        #expect(near(try SelectivePrediction.aurac(twelve), 0.6537696514012303))
        // Only correct answers: accuracy 1 at all 20 quantiles, so 20 · (0.9/19) ≈ 0.947, not 1.
        let allCorrect = (0..<10).map { ConfidencePrediction(confidence: Double($0) / 10, correct: true) }
        #expect(near(try SelectivePrediction.aurac(allCorrect), 20 * 0.9 / 19))
        // Confidences 0.0…0.9, correct from 0.3 up (a perfect ranking at 70% accuracy); numpy with
        // the same jlko logic: 0.9002631578947371.
        let ranked = (0..<10).map { ConfidencePrediction(confidence: Double($0) / 10, correct: $0 >= 3) }
        #expect(near(try SelectivePrediction.aurac(ranked), 0.9002631578947371))
    }

    @Test func tiesAreCountedAtTheirRunsErrorRate() throws {
        // 0.9 ✓ first (risk 0), then a tie of 0.5 ✓ and 0.5 ✗ (error rate ½): risk at k=2 is
        // (0 + ½)/2 = 0.25 whatever the tie's order, at k=3 it is 1/3. AURC = (0 + 0.25 + 1/3)/3.
        let a = [(0.9, true), (0.5, true), (0.5, false)].map { ConfidencePrediction(confidence: $0, correct: $1) }
        let b = [(0.5, false), (0.9, true), (0.5, true)].map { ConfidencePrediction(confidence: $0, correct: $1) }
        let curve = try SelectivePrediction.riskCoverage(a)
        #expect(curve.map(\.risk) == [0, 0.25, 1.0 / 3])
        #expect(try SelectivePrediction.riskCoverage(b) == curve)
        #expect(near(try SelectivePrediction.aurc(a), (0 + 0.25 + 1.0 / 3) / 3))
    }
}

struct TemperatureScalingTests {
    @Test func fittedBetaMatchesScipy() throws {
        // β minimising Σ logsumexp(β·s) − β·s_target; scipy.optimize.brentq on the derivative
        // Σ (softmax(β·s)·s).sum() − s_target over [1e-4, 10], xtol 1e-14: 0.23954263086541358.
        let items = [
            TemperatureScaling.ScaledItem(logits: [-1.0, -2.0, -3.0], target: 0),
            TemperatureScaling.ScaledItem(logits: [-0.5, -0.7, -4.0], target: 1),
            TemperatureScaling.ScaledItem(logits: [-2.0, -1.0, -1.5], target: 2),
            TemperatureScaling.ScaledItem(logits: [-3.0, -0.2, -2.5], target: 0),
            TemperatureScaling.ScaledItem(logits: [-1.2, -1.1, -0.9], target: 2),
        ]
        #expect(near(try TemperatureScaling.fitBeta(items), 0.23954263086541358, 1e-9))
    }

    @Test func calibratedBinaryConfidenceKeepsBetaOne() throws {
        // Five predictions at 0.8, four correct: the maximum-likelihood p̃ = 0.8^β/(0.8^β + 0.2^β)
        // is the observed 4/5, reached at β = 1.
        let items = (0..<5).map { TemperatureScaling.ScaledItem(binaryConfidence: 0.8, correct: $0 < 4) }
        #expect(near(try TemperatureScaling.fitBeta(items), 1, 1e-9))
    }

    @Test func crossFittingScoresEveryItemWithABetaFittedWithoutIt() throws {
        // Five binary items at 0.8, items 0–3 correct, item 4 wrong; 5 folds = one item each.
        // A correct item held out: β is fitted on 3 correct + 1 wrong, p̃ = 3/4 at 4^β = 3, so
        // β = ln 3 / ln 4 = 0.7924812503605781 and the item is scored 0.75, correct.
        // The wrong item held out: the 4 training items are all correct, the NLL keeps falling as
        // β grows, and the fit stops at the range's end, 1e4: the item is scored ≈ 1, wrong.
        let items = (0..<5).map { TemperatureScaling.ScaledItem(binaryConfidence: 0.8, correct: $0 < 4) }
        let (predictions, betas) = try TemperatureScaling.crossFitted(items, folds: 5, seed: 1)
        #expect(betas.count == 5)
        #expect(betas.count { near($0, 0.7924812503605781, 1e-9) } == 4)
        #expect(betas.count { near($0, 1e4, 1e-6) } == 1)
        for p in predictions.prefix(4) { #expect(near(p.confidence, 0.75, 1e-9) && p.correct) }
        #expect(predictions[4].confidence > 0.999 && !predictions[4].correct)
        #expect(throws: MetricsError.self) { try TemperatureScaling.crossFitted(items, folds: 1) }
        #expect(throws: MetricsError.self) { try TemperatureScaling.fitBeta([TemperatureScaling.ScaledItem(logits: [0], target: 0)]) }
    }
}
