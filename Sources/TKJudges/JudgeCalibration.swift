import TKEvalCore

/// How far a judge agrees with people: each human-labelled answer is judged, and the judge's
/// truthful and informative decisions are compared with the labels.
public enum JudgeCalibration {
    /// Judges every labelled answer and compares.
    ///
    /// - Parameter onItem: Called with each label and the judge's verdict as it completes (for progress or storage).
    /// - Parameter batchSize: Answers per call of `judge.judge(_:)`, so a judge can share its
    ///   few-shot prefix across a batch.
    public static func run(judge: any Judge, labels: [HumanLabel], batchSize: Int = 16,
                           onItem: (HumanLabel, JudgeVerdict) async throws -> Void = { _, _ in }) async throws -> JudgeCalibrationReport {
        var verdicts: [JudgeVerdict] = []
        verdicts.reserveCapacity(labels.count)
        for start in stride(from: 0, to: labels.count, by: max(1, batchSize)) {
            try Task.checkCancellation()
            let batch = Array(labels[start..<min(labels.count, start + max(1, batchSize))])
            let given = try await judge.judge(batch.map { JudgedAnswer(question: $0.question, answer: $0.answer) })
            guard given.count == batch.count else {
                throw JudgeError(.badModelResponse, "The judge returned \(given.count) verdicts for \(batch.count) answers.")
            }
            for (label, verdict) in zip(batch, given) {
                try await onItem(label, verdict)
                verdicts.append(verdict)
            }
        }
        return try report(judge: judge.fingerprint.id, labels: labels, verdicts: verdicts)
    }

    /// Compares verdicts already given (one per label, in order) with the labels.
    ///
    /// - Throws: `JudgeError.mismatchedInputs` when the counts differ.
    public static func report(judge: String, labels: [HumanLabel], verdicts: [JudgeVerdict]) throws -> JudgeCalibrationReport {
        guard labels.count == verdicts.count else {
            throw JudgeError(.mismatchedInputs, "Got \(verdicts.count) verdicts for \(labels.count) labels; judge every labelled answer once, in order.")
        }
        func agreement(_ aspect: JudgeAspect) -> AspectAgreement {
            var matrix = ConfusionMatrix()
            var unparsed: [Int] = [], disagreements: [Int] = []
            for (label, verdict) in zip(labels, verdicts) {
                guard let decision = verdict.value(aspect) else {
                    unparsed.append(label.line)
                    continue
                }
                matrix.add(prediction: decision, label: label.value(aspect))
                if decision != label.value(aspect) { disagreements.append(label.line) }
            }
            return AspectAgreement(matrix: matrix, unparsedLines: unparsed, disagreementLines: disagreements)
        }
        return JudgeCalibrationReport(judge: judge, labelCount: labels.count,
                                      truthful: agreement(.truthful), informative: agreement(.informative),
                                      verdicts: verdicts)
    }
}

/// A judge's agreement with human labels on one aspect. Unread verdicts are listed and left out
/// of the matrix, so accuracy and kappa are over the answers the judge actually decided.
public struct AspectAgreement: Sendable, Codable, Equatable {
    public var matrix: ConfusionMatrix
    /// Label-file lines whose verdict on this aspect could not be read.
    public var unparsedLines: [Int]
    /// Label-file lines where the judge and the person disagree.
    public var disagreementLines: [Int]

    public init(matrix: ConfusionMatrix, unparsedLines: [Int] = [], disagreementLines: [Int] = []) {
        self.matrix = matrix
        self.unparsedLines = unparsedLines
        self.disagreementLines = disagreementLines
    }

    public var accuracy: Double? { matrix.accuracy }
    public var cohensKappa: Double? { matrix.cohensKappa }
}

/// The result of `truthkit judge calibrate`.
public struct JudgeCalibrationReport: Sendable, Codable, Equatable {
    /// The judge's fingerprint.
    public var judge: String
    public var labelCount: Int
    public var truthful: AspectAgreement
    public var informative: AspectAgreement
    /// The judge's verdicts, one per label in file order (for showing disagreements).
    public var verdicts: [JudgeVerdict]

    public init(judge: String, labelCount: Int, truthful: AspectAgreement, informative: AspectAgreement, verdicts: [JudgeVerdict]) {
        self.judge = judge
        self.labelCount = labelCount
        self.truthful = truthful
        self.informative = informative
        self.verdicts = verdicts
    }

    /// Verdicts with at least one aspect unread.
    public var unparsedCount: Int { verdicts.count { !$0.parsed } }

    public func agreement(_ aspect: JudgeAspect) -> AspectAgreement {
        aspect == .truthful ? truthful : informative
    }
}
