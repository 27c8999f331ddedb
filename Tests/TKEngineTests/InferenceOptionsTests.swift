import Testing
import TKEngine
import TKKernels
import TKTesting

/// Engine efficiency options: KV-cache formats, early exit and layer skipping.
@Suite struct InferenceOptionsTests {
    let tokens: [Int32] = [3, 17, 5, 9, 22, 1, 8, 30, 12, 4, 19, 7, 25, 2, 11, 6]

    private func fourLayers() throws -> (TinyModel, TransformerModel) {
        try loadTiny { $0.layers = 4 }
    }

    @Test func standardOptionsAreBitIdenticalToTheEngine() throws {
        let (_, model) = try fourLayers()
        let plain = try logits(InferenceSession(model: model), tokens)
        let f32 = try logits(InferenceSession(model: model, options: InferenceOptions(kvCache: .f32, exitLayer: nil, skip: .none)), tokens)
        #expect(plain == f32)
        #expect(InferenceOptions(kvCache: .f32).isStandard && InferenceOptions.standard.settings.isEmpty)
    }

    /// Early exit at N is the residual after block N − 1 of the full model through the final norm
    /// and head (the DoLa path), bit for bit.
    @Test func earlyExitEqualsTheResidualTapThroughTheHead() throws {
        let (tiny, model) = try fourLayers()
        let full = InferenceSession(model: model)
        let recorder = ActivationRecorder(points: [.residual(layer: 1)])
        var hooks = Hooks()
        recorder.install(into: &hooks)
        try full.forward(.sequence(tokens, startingAt: 0, outputs: .all), hooks: hooks)
        let tapped = FloatMatrix(rows: tokens.count, cols: tiny.config.dim, values: recorder.recorded[.residual(layer: 1)]!.flatMap { $0 })
        let expected = full.logits(fromHidden: tapped)
        let early = try logits(InferenceSession(model: model, options: InferenceOptions(exitLayer: 2)), tokens)
        #expect(early.flatMap { $0 } == expected.values)
        let last = try logits(InferenceSession(model: model), tokens)
        #expect(maxAbsDiff(early.flatMap { $0 }, last.flatMap { $0 }) > 1e-3, "exiting early must change the logits")
    }

    /// Skipping block 2 equals running it and then putting back the residual it received.
    @Test func skippingABlockEqualsUndoingItsUpdate() throws {
        let (_, model) = try fourLayers()
        let full = InferenceSession(model: model)
        let before = FloatMatrix(rows: 0, cols: model.config.dim)
        var hooks = Hooks()
        hooks.add(at: .residual(layer: 1)) { m, _ in before.resize(rows: m.rows); before.copyRows(from: m, 0..<m.rows, to: 0) }
        hooks.add(at: .residual(layer: 2)) { m, _ in m.copyRows(from: before, 0..<before.rows, to: 0) }
        let hidden = try full.forward(.sequence(tokens, startingAt: 0, outputs: .all), hooks: hooks)
        let expected = full.logits(fromHidden: hidden).values
        let skipped = try logits(InferenceSession(model: model, options: InferenceOptions(skip: .layers([2]))), tokens)
        #expect(skipped.flatMap { $0 } == expected)
        // Every 2nd block: 1 and 3.
        #expect(InferenceOptions(skip: .every(2)).layersRun(of: 4) == [0, 2])
    }

    static let formats: [KVCacheFormat] = [
        .f32, .f16, .q8_0, .kivi(.init(bits: 2, group: 4, residual: 4)), .kivi(.init(bits: 4, group: 4, residual: 8)),
    ]

    /// Scoring continuations as branches of a shared cached prefix gives, under every cache
    /// format, the log-probabilities of scoring each whole sequence from an empty cache — and so
    /// does feeding the tokens one at a time (generation's decode steps).
    @Test(arguments: formats)
    func sharedPrefixBranchesEqualScoringEachSequenceFromScratch(format: KVCacheFormat) throws {
        let (_, model) = try fourLayers()
        let options = InferenceOptions(kvCache: format, skip: .layers([1]))
        let session = InferenceSession(model: model, options: options)
        let context = Array(tokens[..<9])
        let branches: [[Int32]] = [[14, 15, 16], [21, 23, 24, 26, 27, 28], Array(tokens[9...])]
        try session.forward(.sequence(context, startingAt: 0, outputs: .none))
        let (batch, ranges) = Batch.branches(branches, startingAt: context.count)
        let hidden = try session.forward(batch)
        for (b, branch) in branches.enumerated() {
            // Rows predicting the branch's tokens 1…: rows 0..<count−1 of its range.
            let rows = FloatMatrix(rows: branch.count - 1, cols: hidden.cols)
            rows.copyRows(from: hidden, ranges[b].lowerBound..<(ranges[b].upperBound - 1), to: 0)
            let shared = try session.logProbabilities(fromHidden: rows, targets: Array(branch.dropFirst()))
            let scratch = try InferenceSession(model: model, options: options).scoreSequence(context + branch)
            #expect(maxAbsDiff(shared, Array(scratch.suffix(branch.count - 1))) < 1e-4, "branch \(b)")
        }
        // One token at a time, as generation decodes, against the whole sequence in one pass.
        let stepped = InferenceSession(model: model, options: options)
        var last: [Float] = []
        for (i, t) in tokens.enumerated() {
            let h = try stepped.forward(.sequence([t], startingAt: i, outputs: .last))
            last = stepped.logits(fromHidden: h).values
        }
        let whole = try logits(InferenceSession(model: model, options: options), tokens)
        #expect(maxAbsDiff(last, whole.last!) < 1e-4)
    }

    /// The quantised formats do change the numbers (so the test above compares something), KIVI-2
    /// the most.
    @Test func quantisedCachesMoveTheLogProbabilities() throws {
        let (_, model) = try fourLayers()
        let base = try InferenceSession(model: model).scoreSequence(tokens)
        func moved(_ f: KVCacheFormat) throws -> Float {
            maxAbsDiff(try InferenceSession(model: model, options: InferenceOptions(kvCache: f)).scoreSequence(tokens), base)
        }
        let kivi2 = try moved(.kivi(.init(bits: 2, group: 4, residual: 4)))
        let q8 = try moved(.q8_0)
        #expect(kivi2 > 1e-2 && q8 > 0 && q8 < kivi2, "kivi2 \(kivi2), q8_0 \(q8)")
    }

    @Test func costsCountTheBlocksThatRun() {
        let c = ModelConfig(architecture: "llama", layers: 4, dim: 32, hiddenDim: 64, heads: 4, kvHeads: 2, headDim: 8, vocabSize: 40,
                            contextLength: 64, normEpsilon: 1e-5, ropeBase: 10000, ropeDim: 8, ropeNeox: false, attentionBias: false)
        // kvDim 16; KIVI-2 3 bits per element; 2 blocks run: 2 · 2 · 16 · 3 / 8 = 24 bytes.
        let o = InferenceOptions(kvCache: KVCacheFormat(name: "kivi2")!, exitLayer: 3, skip: .layers([0]))
        #expect(o.kvBytesPerToken(of: c) == 24)
        #expect(o.layerFraction(of: c) == 0.5)
        #expect(InferenceOptions.standard.kvBytesPerToken(of: c) == 2 * 4 * 16 * 4)
        #expect(o.settings == ["kv_cache": "kivi2", "exit_layer": "3", "skip_layers": "0"])
    }

    @Test func impossibleDepthsAreErrorsThatSayWhy() throws {
        let (_, model) = try fourLayers()
        let c = model.config
        for bad in [InferenceOptions(exitLayer: 0), InferenceOptions(exitLayer: 5), InferenceOptions(skip: .layers([4])),
                    InferenceOptions(skip: .every(1)), InferenceOptions(exitLayer: 1, skip: .layers([0]))] {
            #expect(throws: EngineError.self) { try bad.validate(for: c) }
        }
        do {
            try InferenceOptions(exitLayer: 5).validate(for: c)
        } catch let e as EngineError {
            #expect(e.message.contains("1...4"))
        }
        // A hook on a block that does not run would never fire: an error, not a silent no-op.
        var hooks = Hooks()
        hooks.add(at: .residual(layer: 3)) { _, _ in }
        let session = InferenceSession(model: model, options: InferenceOptions(exitLayer: 2))
        #expect(throws: EngineError.self) { try session.forward(.sequence(tokens, startingAt: 0), hooks: hooks) }
    }
}
