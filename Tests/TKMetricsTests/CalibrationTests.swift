import Testing
@testable import TKMetrics

struct CalibrationTests {
    @Test func eceWorkedByHand() throws {
        // Bin 9: confidence 0.9, accuracy 0.5 → gap 0.4, weight ½. Bin 1: 0.1 vs 0 → gap 0.1, weight ½.
        let ece = try Calibration.expectedCalibrationError(
            confidences: [0.9, 0.9, 0.1, 0.1], outcomes: [true, false, false, false]
        )
        #expect(abs(ece - 0.25) < 1e-12)
    }

    @Test func eceIsZeroForPerfectCalibrationAndPutsOneInTheLastBin() throws {
        #expect(try Calibration.expectedCalibrationError(confidences: [1, 1, 0, 0], outcomes: [true, true, false, false]) == 0)
    }

    @Test func brierWorkedByHand() throws {
        #expect(try Calibration.brierScore(probabilities: [1, 0], outcomes: [true, false]) == 0)
        #expect(try Calibration.brierScore(probabilities: [0.5, 0.5, 0.5], outcomes: [true, false, true]) == 0.25)
        // (0.2² + 0.3²) / 2 = 0.065
        #expect(abs(try Calibration.brierScore(probabilities: [0.8, 0.3], outcomes: [true, false]) - 0.065) < 1e-12)
    }

    @Test func rejectsProbabilitiesOutsideZeroToOneAndMismatchedInputs() {
        #expect(throws: MetricsError.self) { try Calibration.brierScore(probabilities: [-0.5], outcomes: [true]) }
        #expect(throws: MetricsError.self) { try Calibration.brierScore(probabilities: [0.5], outcomes: []) }
        #expect(throws: MetricsError.self) { try Calibration.expectedCalibrationError(confidences: [], outcomes: []) }
        #expect(throws: MetricsError.self) {
            try Calibration.expectedCalibrationError(confidences: [0.5], outcomes: [true], bins: 0)
        }
    }
}

struct AUROCTests {
    @Test func aurocWorkedByHand() throws {
        // scikit-learn's roc_auc_score example: 3 of 4 positive/negative pairs ordered correctly.
        #expect(try AUROC.area(scores: [0.1, 0.4, 0.35, 0.8], labels: [false, false, true, true]) == 0.75)
    }

    @Test func aurocExtremesAndTies() throws {
        #expect(try AUROC.area(scores: [1, 2, 3, 4], labels: [false, false, true, true]) == 1)
        #expect(try AUROC.area(scores: [1, 2, 3, 4], labels: [true, true, false, false]) == 0)
        #expect(try AUROC.area(scores: [5, 5, 5, 5], labels: [true, false, true, false]) == 0.5)
    }

    @Test func aurocIsUndefinedWithOneClass() throws {
        #expect(try AUROC.area(scores: [1, 2], labels: [true, true]) == nil)
        #expect(throws: MetricsError.self) { try AUROC.area(scores: [1, 2], labels: [true]) }
    }
}
