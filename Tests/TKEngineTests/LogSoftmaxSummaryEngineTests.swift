import Foundation
import Testing
import TKEngine
import TKKernels
import TKTesting

/// The scoring paths' output head on a real (tiny, random-weight) model: the fused summary of a
/// few rows equals the full-row path over all rows bit for bit, and both equal the naive
/// reference's log-softmax within float tolerance.
@Suite struct LogSoftmaxSummaryEngineTests {
    static let sample: [Int32] = [3, 17, 5, 9, 22, 1, 30, 8, 11, 4, 4, 19]

    @Test(arguments: ["llama", "gemma3"])
    func summaryOfSomeRowsEqualsTheFullRowsOfAll(architecture: String) throws {
        let (tiny, model) = try loadTiny { $0.architecture = architecture }
        let session = InferenceSession(model: model, threads: 2)
        let hidden = try session.forward(.sequence(Self.sample, startingAt: 0, outputs: .all))
        var full: [[Float]] = [], fullLSE: [Float] = []
        try session.forEachLogitChunk(hidden) { logits, lse, _ in
            for r in 0..<logits.rows { full.append(logits.row(r)); fullLSE.append(lse[r]) }
        }
        // Rows 2, 5 and 11 alone (as the scorer passes only rows that predict a scored token).
        let picked = [2, 5, 11]
        let rows = FloatMatrix(rows: picked.count, cols: hidden.cols)
        for (i, r) in picked.enumerated() { rows.copyRows(from: hidden, r..<(r + 1), to: i) }
        let targets: [[Int32]] = picked.map { [Self.sample[($0 + 1) % Self.sample.count], 0] }
        let summary = try session.logSoftmaxSummary(fromHidden: rows, targets: targets)
        let reference = NaiveTransformer(model: tiny).forward(Self.sample).logits
        for (i, r) in picked.enumerated() {
            #expect(summary.logSumExp[i].bitPattern == fullLSE[r].bitPattern, "row \(r)")
            for (j, t) in targets[i].enumerated() {
                #expect(summary.targetLogits[i][j].bitPattern == full[r][Int(t)].bitPattern, "row \(r) token \(t)")
                let ref = reference[r]
                let m = ref.max()!
                let refLSE = m + Foundation.log(ref.reduce(Float(0)) { $0 + Foundation.exp($1 - m) })
                #expect(abs(summary.logProbability(row: i, target: j) - (ref[Int(t)] - refLSE)) < tolerance, "row \(r) token \(t)")
            }
            #expect(summary.argmax[i] == Int32(full[r].firstIndex(of: full[r].max()!)!), "row \(r): lowest index of the largest logit")
        }
        // scoreSequence (log-probabilities of the next tokens) goes through the same summary.
        let lps = try session.scoreSequence(Self.sample)
        for j in lps.indices {
            #expect(lps[j].bitPattern == (full[j][Int(Self.sample[j + 1])] - fullLSE[j]).bitPattern, "position \(j)")
        }
    }

    @Test func aTargetOutsideTheVocabularyIsAnErrorNamingIt() throws {
        let (_, model) = try loadTiny()
        let session = InferenceSession(model: model, threads: 2)
        let hidden = try session.forward(.sequence(Self.sample, startingAt: 0, outputs: .last))
        #expect { try session.logSoftmaxSummary(fromHidden: hidden, targets: [[Int32(model.config.vocabSize)]]) } throws: { error in
            "\(error)".contains("outside the vocabulary")
        }
    }
}
