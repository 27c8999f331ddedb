import Testing
import TKEngine
import TKKernels
import TKTesting

@Suite struct HookTests {
    let tokens: [Int32] = [3, 17, 5, 9, 22, 1]

    /// The hook points mean the same in every family: the residual after each whole block.
    @Test(arguments: ["llama", "gemma3"])
    func residualTapReadsEveryBlockAsTheNaivePassComputesIt(architecture: String) throws {
        let (tiny, model) = try loadTiny { $0.architecture = architecture }
        let reference = NaiveTransformer(model: tiny).forward(tokens).residuals
        let session = InferenceSession(model: model)
        let recorder = ActivationRecorder(points: (0..<2).map { HookPoint.residual(layer: $0) })
        var hooks = Hooks()
        recorder.install(into: &hooks)
        try session.forward(.sequence(tokens, startingAt: 0), hooks: hooks)
        for l in 0..<2 {
            let rows = try #require(recorder.recorded[.residual(layer: l)])
            for t in tokens.indices { #expect(maxAbsDiff(rows[t], reference[l][t]) < tolerance) }
        }
    }

    @Test func earlyLayerLogitsComeFromFinalNormAndHead() throws {
        let (tiny, model) = try loadTiny()
        let session = InferenceSession(model: model)
        let recorder = ActivationRecorder(points: [.residual(layer: 1)])
        var hooks = Hooks()
        recorder.install(into: &hooks)
        let hidden = try session.forward(.sequence(tokens, startingAt: 0, outputs: .all), hooks: hooks)
        // The last block's tap equals the returned hidden state, so its logits are the model's logits.
        let tapped = FloatMatrix(rows: tokens.count, cols: tiny.config.dim, values: recorder.recorded[.residual(layer: 1)]!.flatMap { $0 })
        #expect(maxAbsDiff(session.logits(fromHidden: tapped).values, session.logits(fromHidden: hidden).values) == 0)
        #expect(maxAbsDiff(session.logits(fromHidden: hidden).values, NaiveTransformer(model: tiny).forward(tokens).logits.flatMap { $0 }) < tolerance)
    }

    @Test func addingToTheResidualStreamMatchesTheNaiveEdit() throws {
        let (tiny, model) = try loadTiny()
        let direction = (0..<tiny.config.dim).map { Float($0 % 5) * 0.1 - 0.2 }
        var edits = NaiveTransformer.Edits()
        edits.residualAdd[0] = direction
        let reference = NaiveTransformer(model: tiny).forward(tokens, edits: edits).logits.flatMap { $0 }
        var hooks = Hooks()
        hooks.add(at: .residual(layer: 0)) { m, _ in for r in 0..<m.rows { m.add(direction, toRow: r) } }
        let session = InferenceSession(model: model)
        let hidden = try session.forward(.sequence(tokens, startingAt: 0, outputs: .all), hooks: hooks)
        #expect(maxAbsDiff(session.logits(fromHidden: hidden).values, reference) < tolerance)
        let plain = NaiveTransformer(model: tiny).forward(tokens).logits.flatMap { $0 }
        #expect(maxAbsDiff(reference, plain) > 1e-3, "the edit must actually change the output")
    }

    @Test(arguments: ["llama", "gemma3"])
    func shiftingOneAttentionHeadMatchesTheNaiveEdit(architecture: String) throws {
        let (tiny, model) = try loadTiny { $0.architecture = architecture }
        let hd = tiny.config.headDim
        let shift = (0..<hd).map { Float($0) * 0.05 }
        var edits = NaiveTransformer.Edits()
        edits.headAdd[1] = [2: shift]
        let reference = NaiveTransformer(model: tiny).forward(tokens, edits: edits).logits.flatMap { $0 }
        var hooks = Hooks()
        hooks.add(at: .attentionHeads(layer: 1)) { m, _ in for r in 0..<m.rows { m.add(shift, toRow: r, startingAt: 2 * hd) } }
        let session = InferenceSession(model: model)
        let hidden = try session.forward(.sequence(tokens, startingAt: 0, outputs: .all), hooks: hooks)
        #expect(maxAbsDiff(session.logits(fromHidden: hidden).values, reference) < tolerance)
    }

    @Test func replacingTheResidualStreamPropagates() throws {
        let (_, model) = try loadTiny()
        let session = InferenceSession(model: model)
        var zeroing = Hooks()
        zeroing.add(at: .residual(layer: 1)) { m, _ in m.zero() }
        let hidden = try session.forward(.sequence(tokens, startingAt: 0), hooks: zeroing)
        #expect(hidden.values.allSatisfy { $0 == 0 })
    }

    @Test func hookOnAMissingLayerIsRejected() throws {
        let (_, model) = try loadTiny()
        var hooks = Hooks()
        hooks.add(at: .residual(layer: 7)) { _, _ in }
        #expect(throws: EngineError.self) { try InferenceSession(model: model).forward(.sequence(tokens, startingAt: 0), hooks: hooks) }
        #expect(throws: EngineError.self) { try HookPoint(name: "blocks.x.mlp") }
        #expect(try HookPoint(name: "blocks.3.attn.heads") == .attentionHeads(layer: 3))
    }
}
