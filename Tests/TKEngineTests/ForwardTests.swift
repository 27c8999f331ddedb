import Foundation
import Testing
import TKEngine
import TKKernels
import TKTesting

/// Tolerance for float32 engine vs naive loops: both accumulate in float32 in different orders.
let tolerance: Float = 2e-4

@Suite struct ForwardTests {
    static let sample: [Int32] = [3, 17, 5, 9, 22, 1, 30, 8, 11, 4, 4, 19]

    // gemma3: the 12-token sample is longer than the tiny model's window of 3 on its local layer.
    @Test(arguments: ["llama", "qwen2", "gemma3"])
    func batchedPrefillMatchesNaiveReference(architecture: String) throws {
        let (tiny, model) = try loadTiny { $0.architecture = architecture }
        let reference = NaiveTransformer(model: tiny).forward(Self.sample).logits
        let session = InferenceSession(model: model, threads: 2)
        let got = try logits(session, Self.sample)
        for t in Self.sample.indices {
            #expect(maxAbsDiff(got[t], reference[t]) < tolerance, "position \(t)")
        }
    }

    @Test(arguments: [WeightFormat.q8_0, .q4_1, .q4_0, .f16])
    func quantisedWeightsMatchNaiveReferenceOnTheSameValues(format: WeightFormat) throws {
        let (tiny, model) = try loadTiny { $0.format = format }
        let reference = NaiveTransformer(model: tiny).forward(Self.sample).logits
        let session = InferenceSession(model: model, threads: 2)
        // Both the block-dot path (short batches) and the sgemm path (long batches) must agree.
        for threshold in [1, 1000] {
            session.compute.gemmThreshold = threshold
            let got = try logits(session, Self.sample)
            for t in Self.sample.indices {
                #expect(maxAbsDiff(got[t], reference[t]) < tolerance, "position \(t), threshold \(threshold)")
            }
        }
    }

    @Test func incrementalDecodingEqualsFullRecompute() throws {
        let (_, model) = try loadTiny { $0.format = .q4_1 }
        let session = InferenceSession(model: model, threads: 2)
        let full = try logits(session, Self.sample)
        session.reset()
        var hidden = try session.forward(.sequence(Array(Self.sample.prefix(5)), startingAt: 0))
        for t in 5..<Self.sample.count {
            #expect(maxAbsDiff(session.logits(fromHidden: hidden).row(0), full[t - 1]) < tolerance, "position \(t - 1)")
            hidden = try session.forward(.sequence([Self.sample[t]], startingAt: t))
        }
        #expect(maxAbsDiff(session.logits(fromHidden: hidden).row(0), full[Self.sample.count - 1]) < tolerance)
        #expect(session.length == Self.sample.count)
    }

    @Test func branchBatchScoresEachContinuationAsIfAlone() throws {
        let (_, model) = try loadTiny()
        let session = InferenceSession(model: model, threads: 1)
        let context: [Int32] = [2, 7, 1, 8]
        let continuations: [[Int32]] = [[5, 6, 7], [9], [12, 3]]
        var alone: [[[Float]]] = []
        for c in continuations { alone.append(try logits(session, context + c)) }

        session.reset()
        try session.forward(.sequence(context, startingAt: 0, outputs: .none))
        let (batch, ranges) = Batch.branches(continuations, startingAt: context.count)
        let hidden = try session.forward(batch)
        let l = session.logits(fromHidden: hidden)
        for (i, r) in ranges.enumerated() {
            for (j, row) in r.enumerated() {
                #expect(maxAbsDiff(l.row(row), alone[i][context.count + j]) < tolerance, "continuation \(i) token \(j)")
            }
        }
        session.truncate(to: context.count)
        #expect(session.cachedTokens == context)
    }

    @Test func scoreSequenceIsLogSoftmaxOfNextToken() throws {
        let (tiny, model) = try loadTiny()
        let session = InferenceSession(model: model, threads: 1)
        let lp = try session.scoreSequence(Self.sample)
        let reference = NaiveTransformer(model: tiny).forward(Self.sample).logits
        for j in 0..<(Self.sample.count - 1) {
            let row = reference[j]
            let m = row.max()!
            let lse = m + log(row.map { exp($0 - m) }.reduce(0, +))
            #expect(abs(lp[j] - (row[Int(Self.sample[j + 1])] - lse)) < tolerance)
        }
    }

    @Test func contextOverflowIsATypedError() throws {
        let (_, model) = try loadTiny { $0.contextLength = 8 }
        let session = InferenceSession(model: model)
        #expect(throws: EngineError.self) {
            try session.forward(.sequence(Array(repeating: 1, count: 9), startingAt: 0))
        }
    }

    @Test func unknownArchitectureIsATypedErrorListingSupported() throws {
        var writerModel = TinyModel.Config()
        writerModel.architecture = "mamba"
        let path = try TinyModel(config: writerModel).writeToTemporaryFile()
        do {
            _ = try TransformerModel(path: path)
            Issue.record("expected an error")
        } catch let e as EngineError {
            #expect(e.code == .unknownArchitecture)
            #expect(e.message.contains("mamba") && e.message.contains("llama") && e.message.contains("qwen2"))
        }
    }
}
