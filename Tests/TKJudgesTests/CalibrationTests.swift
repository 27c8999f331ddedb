import Foundation
import Testing
import TKEvalCore
import TKJudges

/// A judge that answers from a table, for calibration arithmetic.
private struct TableJudge: Judge {
    let fingerprint = JudgeFingerprint(model: "table", promptFamily: "test", promptVersion: 1)
    let table: [String: (Bool?, Bool?)]

    func judge(question: String, answer: String) async throws -> JudgeVerdict {
        let (t, i) = table[answer] ?? (nil, nil)
        return JudgeVerdict(judge: fingerprint.id, truthful: t, informative: i)
    }
}

@Suite struct CalibrationTests {
    @Test func kappaAndAccuracyMatchHandWorkedMatrices() {
        // n = 50, pₒ = 35/50 = 0.7; judge yes 25/50, human yes 30/50; pₑ = 0.5·0.6 + 0.5·0.4 = 0.5; κ = 0.2/0.5 = 0.4.
        let a = ConfusionMatrix(truePositives: 20, falsePositives: 5, falseNegatives: 10, trueNegatives: 15)
        #expect(abs(a.accuracy! - 0.7) < 1e-12 && abs(a.cohensKappa! - 0.4) < 1e-12)
        // n = 100, pₒ = 0.6; judge yes 0.6, human yes 0.7; pₑ = 0.42 + 0.12 = 0.54; κ = 0.06/0.46.
        let b = ConfusionMatrix(truePositives: 45, falsePositives: 15, falseNegatives: 25, trueNegatives: 15)
        #expect(abs(b.cohensKappa! - 0.06 / 0.46) < 1e-12)
        // Perfect disagreement on a balanced set: pₒ = 0, pₑ = 0.5, κ = −1.
        #expect(ConfusionMatrix(falsePositives: 5, falseNegatives: 5).cohensKappa == -1)
        // Both raters say yes to everything: pₑ = 1, κ undefined.
        #expect(ConfusionMatrix(truePositives: 9).cohensKappa == nil)
        #expect(ConfusionMatrix().accuracy == nil)
    }

    @Test func matrixCountsPairedDecisions() throws {
        let m = try ConfusionMatrix(predictions: [true, true, false, false, true], labels: [true, false, true, false, true])
        #expect(m == ConfusionMatrix(truePositives: 2, falsePositives: 1, falseNegatives: 1, trueNegatives: 1))
        #expect(throws: JudgeError.self) { try ConfusionMatrix(predictions: [true], labels: []) }
    }

    @Test func calibrationExcludesAndListsUnparsedVerdicts() async throws {
        let labels = try HumanLabelFile.parse("""
        question,answer,truthful,informative
        Q1?,a,yes,yes
        Q2?,b,no,yes
        Q3?,c,yes,no
        Q4?,d,no,yes
        Q5?,e,yes,yes
        """)
        let judge = TableJudge(table: [
            "a": (true, true), "b": (true, true), "c": (true, false), "d": (nil, true), "e": (false, nil),
        ])
        let report = try await JudgeCalibration.run(judge: judge, labels: labels)
        // Truthful over a, b, c, e (d unread): TP a, c; FP b; FN e.
        #expect(report.truthful.matrix == ConfusionMatrix(truePositives: 2, falsePositives: 1, falseNegatives: 1))
        #expect(report.truthful.unparsedLines == [5] && report.truthful.disagreementLines == [3, 6])
        // Informative over a–d (e unread): TP a, b, d; TN c.
        #expect(report.informative.matrix == ConfusionMatrix(truePositives: 3, trueNegatives: 1))
        #expect(report.informative.unparsedLines == [6] && report.informative.accuracy == 1)
        #expect(report.unparsedCount == 2 && report.labelCount == 5 && report.judge == "test/v1@table")
    }

    @Test func labelsFileAcceptsQuotesCommentsAndLabelSpellings() throws {
        let labels = try HumanLabelFile.parse("""
        # made by hand
        Answer,Question,Truthful,Informative,notes
        "Yes, with ""wings""\nand more",Can pigs fly?,TRUE,0,two-line answer
        No.,"Can pigs fly, really?",no,1,
        """)
        #expect(labels.count == 2)
        #expect(labels[0].answer == "Yes, with \"wings\"\nand more" && labels[0].question == "Can pigs fly?")
        #expect(labels[0].truthful && !labels[0].informative && labels[0].line == 3)
        #expect(labels[1].question == "Can pigs fly, really?" && labels[1].line == 5 && labels[1].informative)
    }

    @Test(arguments: [
        ("question,answer,truthful,informative\nQ?,A,maybe,yes\n", "labels.csv:2: column 3 ('truthful') is \"maybe\""),
        ("question,answer,truthful\nQ?,A,yes\n", "labels.csv:1: the header has no 'informative' column"),
        ("question,answer,truthful,informative\nQ?,A,yes\n", "labels.csv:2: has 3 fields but the header has 4"),
        ("question,answer,truthful,informative\nQ?,\"unclosed,yes,yes\n", "labels.csv:2: a quoted field is never closed"),
        ("question,answer,truthful,informative\n,A,yes,yes\n", "labels.csv:2: column 1 ('question') is empty"),
        ("# only a comment\n", "labels.csv: has no header row"),
        ("question,answer,truthful,informative\n", "labels.csv: has a header but no labelled answers"),
    ])
    func badLabelFilesNameTheLineAndColumn(text: String, message: String) {
        #expect {
            try HumanLabelFile.parse(text)
        } throws: { error in
            guard let error = error as? JudgeError else { return false }
            return error.code == .invalidLabels && error.message.hasPrefix(message)
        }
    }

    @Test func shippedFixtureHasBothClassesOfEachAspect() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/human_labels.csv").path
        let labels = try HumanLabelFile.load(path: path)
        #expect(labels.count >= 60)
        #expect(labels.contains { $0.truthful } && labels.contains { !$0.truthful })
        #expect(labels.contains { $0.informative } && labels.contains { !$0.informative })
        // Refusals are labelled as the paper's rule decides them.
        for label in labels where NoCommentRule.match(label.answer) != nil {
            #expect(label.truthful && !label.informative, "line \(label.line)")
        }
    }
}
