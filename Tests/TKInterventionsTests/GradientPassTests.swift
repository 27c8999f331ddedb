import Foundation
import Testing
import TKEngine
import TKKernels
import TKTesting
@testable import TKInterventions

/// The backward pass against central finite differences of an independent float64 forward
/// (`Float64Llama` below, written from the tiny fixture's stored weights like `NaiveTransformer`),
/// and integrated gradients against completeness.
@Suite struct GradientPassTests {
    static let tokens: [Int32] = [3, 17, 5, 9, 22, 1, 30, 12]

    static func pass(_ configure: (inout TinyModel.Config) -> Void = { _ in }) throws -> (TinyModel, TransformerModel, GradientPass) {
        let (tiny, model) = try ActivationFixture.load(configure)
        return (tiny, model, GradientPass(weights: try DenseLlamaWeights(model: model)))
    }

    /// Log-probabilities of tokens[1...] from the engine's own forward pass.
    static func engineLogProbabilities(_ model: TransformerModel, _ tokens: [Int32], hooks: Hooks = Hooks()) throws -> [Double] {
        let logits = try ActivationFixture.logits(model, tokens, hooks: hooks)
        let V = model.config.vocabSize
        return (0..<(tokens.count - 1)).map { t in
            let row = logits[(t * V)..<((t + 1) * V)].map(Double.init)
            let m = row.max()!
            let logZ = m + Foundation.log(row.reduce(0) { $0 + Foundation.exp($1 - m) })
            return row[Int(tokens[t + 1])] - logZ
        }
    }

    @Test(arguments: ["llama", "llama-untied", "qwen2"])
    func valueEqualsTheEngineSumOfLogProbabilities(_ variant: String) throws {
        let (_, model, pass) = try Self.pass {
            $0.architecture = variant == "qwen2" ? "qwen2" : "llama"
            $0.tiedEmbedding = variant != "llama-untied"
        }
        let targets = GradientPass.Target.continuation(Array(Self.tokens.dropFirst()), after: 1)
        let out = try pass.run(tokens: Self.tokens, targets: targets, gradients: false)
        let engine = try Self.engineLogProbabilities(model, Self.tokens).reduce(0, +)
        #expect(abs(out.value - engine) < 1e-4 * max(1, abs(engine)), "gradient pass \(out.value) vs engine \(engine)")
    }

    @Test func float64ReferenceComputesTheSameModel() throws {
        let (tiny, _, pass) = try Self.pass()
        let targets = [GradientPass.Target(position: 7, token: 4, weight: 1), .init(position: 3, token: 11, weight: -0.5)]
        let reference = Float64Llama(tiny).value(Self.tokens, targets: targets)
        let out = try pass.run(tokens: Self.tokens, targets: targets, gradients: false)
        #expect(abs(out.value - reference) < 1e-4)
    }

    /// Central differences (h = 1e-5) of the float64 forward at several input entries and neuron
    /// gates, with gates away from 1 too; the float32 analytic gradient must agree to 1e-3 relative
    /// (absolute 1e-5 where the derivative is near zero).
    @Test func gradientsMatchCentralDifferences() throws {
        let (tiny, _, pass) = try Self.pass { $0.layers = 3 }
        let reference = Float64Llama(tiny)
        let c = pass.weights.config
        let targets = [GradientPass.Target(position: 7, token: 4, weight: 1), .init(position: 5, token: 30, weight: -1),
                       .init(position: 2, token: 9, weight: 0.5)]
        var gates = [[Float]?](repeating: nil, count: c.layers)
        gates[1] = (0..<c.hiddenDim).map { Float(0.3 + 0.01 * Double($0 % 50)) }
        let embeddings = pass.embeddings(of: Self.tokens).map { $0 * 0.7 }
        let out = try pass.run(tokens: Self.tokens, targets: targets, embeddings: embeddings, gates: gates)
        let e64 = embeddings.map(Double.init)
        let g64 = gates.map { $0?.map(Double.init) }
        let h = 1e-5
        func close(_ analytic: Float, _ numeric: Double, _ what: String) {
            let error = abs(Double(analytic) - numeric)
            #expect(error <= max(1e-3 * abs(numeric), 1e-5), "\(what): analytic \(analytic), finite difference \(numeric)")
        }
        // Input entries: every position, spread over the width.
        for (t, d) in [(0, 0), (1, 5), (2, 31), (3, 7), (5, 16), (7, 2), (4, 23)] {
            var plus = e64, minus = e64
            plus[t * c.dim + d] += h
            minus[t * c.dim + d] -= h
            let numeric = (reference.value(Self.tokens, targets: targets, embeddings: plus, gates: g64)
                - reference.value(Self.tokens, targets: targets, embeddings: minus, gates: g64)) / (2 * h)
            close(out.inputGradient[t * c.dim + d], numeric, "input (\(t), \(d))")
        }
        // Neuron gates: each layer, one of them away from 1.
        for (l, i) in [(0, 0), (0, 37), (1, 3), (1, 63), (2, 12), (2, 50)] {
            func gated(_ delta: Double) -> [[Double]?] {
                var g = g64
                var row = g[l] ?? [Double](repeating: 1, count: c.hiddenDim)
                row[i] += delta
                g[l] = row
                return g
            }
            let numeric = (reference.value(Self.tokens, targets: targets, embeddings: e64, gates: gated(h))
                - reference.value(Self.tokens, targets: targets, embeddings: e64, gates: gated(-h))) / (2 * h)
            close(out.gateGradient[l][i], numeric, "gate (\(l), \(i))")
        }
    }

    @Test func gradientsMatchCentralDifferencesWithBiasesAndNeoXRotation() throws {
        let (tiny, _, pass) = try Self.pass { $0.architecture = "qwen2" }
        let reference = Float64Llama(tiny)
        let c = pass.weights.config
        let targets = GradientPass.Target.continuation([4, 30, 2], after: 5)
        let out = try pass.run(tokens: Self.tokens, targets: targets)
        let e64 = pass.embeddings(of: Self.tokens).map(Double.init)
        let h = 1e-5
        for (t, d) in [(0, 1), (4, 9), (6, 30)] {
            var plus = e64, minus = e64
            plus[t * c.dim + d] += h
            minus[t * c.dim + d] -= h
            let numeric = (reference.value(Self.tokens, targets: targets, embeddings: plus) - reference.value(Self.tokens, targets: targets, embeddings: minus)) / (2 * h)
            #expect(abs(Double(out.inputGradient[t * c.dim + d]) - numeric) <= max(1e-3 * abs(numeric), 1e-5), "input (\(t), \(d))")
        }
    }

    /// Completeness: the attributions add up to f(x) − f(baseline); the endpoint values are the
    /// engine's own log-probabilities, with and without a `blocks.L.ffn.act` hook silencing the layers.
    @Test func neuronAttributionsAddUpToTheDifferenceOfEndpoints() throws {
        let (_, model, pass) = try Self.pass()
        let truth: [Int32] = [3, 17, 5, 9, 22], lie: [Int32] = [3, 17, 5, 30, 1, 2]
        let sequences = [
            IntegratedGradients.Sequence(tokens: truth, targets: GradientPass.Target.continuation([9, 22], after: 3, weight: 1)),
            IntegratedGradients.Sequence(tokens: lie, targets: GradientPass.Target.continuation([30, 1, 2], after: 3, weight: -1)),
        ]
        let attribution = try IntegratedGradients.neurons(pass, sequences: sequences, layers: [0, 1], steps: 64)
        func engine(_ hooks: Hooks) throws -> Double {
            try Self.engineLogProbabilities(model, truth, hooks: hooks).suffix(2).reduce(0, +)
                - Self.engineLogProbabilities(model, lie, hooks: hooks).suffix(3).reduce(0, +)
        }
        var silence = Hooks()
        for l in 0..<2 { silence.add(at: .feedForward(layer: l)) { m, _ in m.zero() } }
        #expect(abs(attribution.value - (try engine(Hooks()))) < 1e-4)
        #expect(abs(attribution.baselineValue - (try engine(silence))) < 1e-4)
        let difference = attribution.value - attribution.baselineValue
        #expect(abs(difference) > 1e-2, "the endpoints must differ for the check to mean something")
        #expect(abs(attribution.completenessGap) < 2e-3 * abs(difference) + 1e-4, "gap \(attribution.completenessGap) of \(difference)")
        // The quadrature converges: 4 steps leave a larger gap than 64.
        let coarse = try IntegratedGradients.neurons(pass, sequences: sequences, layers: [0, 1], steps: 4)
        #expect(abs(coarse.completenessGap) > abs(attribution.completenessGap))
    }

    @Test func tokenAttributionsAddUpToTheDifferenceOfEndpoints() throws {
        let (_, _, pass) = try Self.pass()
        let sequence = IntegratedGradients.Sequence(tokens: Self.tokens, targets: GradientPass.Target.continuation([30, 12], after: 6))
        let attribution = try IntegratedGradients.tokens(pass, sequences: [sequence], steps: 8)
        let zero = try pass.run(tokens: Self.tokens, targets: sequence.targets, embeddingScale: 0, gradients: false).value
        let full = try pass.run(tokens: Self.tokens, targets: sequence.targets, gradients: false).value
        #expect(attribution.values.count == Self.tokens.count)
        #expect(abs(attribution.baselineValue - zero) < 1e-9 && abs(attribution.value - full) < 1e-9)
        #expect(abs(full - zero) > 1e-2)
        #expect(abs(attribution.completenessGap) < 1e-2 * abs(full - zero), "gap \(attribution.completenessGap) of \(full - zero)")
        // 8 nodes per decade: 0.27% in the float64 numpy replica (scripts/checks/ig_token_grid.py). Equal steps jump over the switches
        // near the zero baseline (see `nodesNearZeroBaseline`).
        let D = pass.weights.config.dim, e = pass.embeddings(of: Self.tokens)
        var uniform = 0.0
        for (alpha, weight) in IntegratedGradients.trapezoid(steps: 64) {
            let g = try pass.run(tokens: Self.tokens, targets: sequence.targets, embeddingScale: Float(alpha)).inputGradient
            uniform += weight * (0..<(Self.tokens.count * D)).reduce(0.0) { $0 + Double(e[$1]) * Double(g[$1]) }
        }
        #expect(abs(uniform - (full - zero)) > 10 * abs(attribution.completenessGap))
    }

    @Test func trapezoidWeightsIntegratePolynomialsOnAnyGrid() {
        // ∫₀¹ x dx = 1/2 exactly for the trapezoid rule on any nodes; ∫₀¹ x² dx = 1/3 within h²/6.
        for nodes in [IntegratedGradients.trapezoid(steps: 10), IntegratedGradients.trapezoid(nodes: IntegratedGradients.nodesNearZeroBaseline(perDecade: 32, decades: 2))] {
            #expect(abs(nodes.reduce(0) { $0 + $1.weight } - 1) < 1e-12)
            #expect(abs(nodes.reduce(0) { $0 + $1.weight * $1.alpha } - 0.5) < 1e-12)
            #expect(abs(nodes.reduce(0) { $0 + $1.weight * $1.alpha * $1.alpha } - 1.0 / 3) < 2e-3)
        }
    }

    @Test func badInputIsRejectedWithAMessage() throws {
        let (_, _, pass) = try Self.pass()
        #expect(throws: ActivationFitError.self) { try pass.run(tokens: [], targets: []) }
        #expect(throws: ActivationFitError.self) { try pass.run(tokens: [1, 2], targets: [.init(position: 2, token: 1)]) }
        #expect(throws: ActivationFitError.self) { try pass.run(tokens: [1, 99], targets: [.init(position: 0, token: 1)]) }
        #expect(throws: ActivationFitError.self) { try pass.run(tokens: [1, 2], targets: [.init(position: 0, token: 1)], gates: [nil]) }
        #expect(throws: ActivationFitError.self) { try IntegratedGradients.neurons(pass, sequences: [], layers: [5], steps: 8) }
        #expect(throws: ActivationFitError.self) { try IntegratedGradients.tokens(pass, sequences: [], steps: 0) }
    }

    @Test func unsupportedFamiliesAreRefused() throws {
        let (_, model) = try ActivationFixture.load { $0.architecture = "gemma3" }
        #expect(throws: ActivationFitError.self) { try DenseLlamaWeights(model: model) }
    }
}

/// A float64 forward of the tiny `llama` / `qwen2` fixture with input embeddings and neuron gates
/// as parameters, written from the stored weights in plain loops (as `NaiveTransformer`): the
/// independent function the finite differences are taken of.
struct Float64Llama {
    let tiny: TinyModel

    init(_ tiny: TinyModel) { self.tiny = tiny }

    func value(_ tokens: [Int32], targets: [GradientPass.Target], embeddings: [Double]? = nil, gates: [[Double]?]? = nil) -> Double {
        let c = tiny.config, w = tiny.weights.mapValues { $0.map(Double.init) }
        let hd = c.headDim, qDim = c.heads * hd, kvDim = c.kvHeads * hd, T = tokens.count
        let neox = c.architecture == "qwen2"
        func matvec(_ name: String, _ x: [Double], rows: Int) -> [Double] {
            let m = w[name]!
            return (0..<rows).map { r in (0..<x.count).reduce(0.0) { $0 + m[r * x.count + $1] * x[$1] } }
        }
        func rmsnorm(_ x: [Double], _ weight: [Double]) -> [Double] {
            let s = 1 / (x.reduce(0) { $0 + $1 * $1 } / Double(x.count) + Double(c.epsilon)).squareRoot()
            return zip(x, weight).map { $0 * s * $1 }
        }
        func rope(_ v: inout [Double], heads: Int, pos: Int) {
            for h in 0..<heads {
                for i in 0..<(hd / 2) {
                    // The engine's angle is float32 (position × float inverse frequency); so is this one.
                    let angle = Double(Float(pos) * (1 / Foundation.pow(c.ropeBase, Float(2 * i) / Float(hd))))
                    let (i0, i1) = neox ? (h * hd + i, h * hd + i + hd / 2) : (h * hd + 2 * i, h * hd + 2 * i + 1)
                    let a = v[i0], b = v[i1]
                    v[i0] = a * Foundation.cos(angle) - b * Foundation.sin(angle)
                    v[i1] = a * Foundation.sin(angle) + b * Foundation.cos(angle)
                }
            }
        }
        let table = w["token_embd.weight"]!
        var xs: [[Double]] = (0..<T).map { t in
            embeddings.map { Array($0[(t * c.dim)..<((t + 1) * c.dim)]) } ?? Array(table[(Int(tokens[t]) * c.dim)..<((Int(tokens[t]) + 1) * c.dim)])
        }
        for l in 0..<c.layers {
            let p = "blk.\(l)."
            var qs: [[Double]] = [], ks: [[Double]] = [], vs: [[Double]] = []
            for (pos, x) in xs.enumerated() {
                let h = rmsnorm(x, w[p + "attn_norm.weight"]!)
                var q = matvec(p + "attn_q.weight", h, rows: qDim), k = matvec(p + "attn_k.weight", h, rows: kvDim)
                var v = matvec(p + "attn_v.weight", h, rows: kvDim)
                if let b = w[p + "attn_q.bias"] { q = zip(q, b).map(+) }
                if let b = w[p + "attn_k.bias"] { k = zip(k, b).map(+) }
                if let b = w[p + "attn_v.bias"] { v = zip(v, b).map(+) }
                rope(&q, heads: c.heads, pos: pos)
                rope(&k, heads: c.kvHeads, pos: pos)
                qs.append(q); ks.append(k); vs.append(v)
            }
            for t in 0..<T {
                var out = [Double](repeating: 0, count: qDim)
                for h in 0..<c.heads {
                    let g = h / (c.heads / c.kvHeads)
                    var scores = (0...t).map { s in (0..<hd).reduce(0.0) { $0 + qs[t][h * hd + $1] * ks[s][g * hd + $1] } / Double(hd).squareRoot() }
                    let m = scores.max()!
                    scores = scores.map { Foundation.exp($0 - m) }
                    let sum = scores.reduce(0, +)
                    for s in 0...t { for i in 0..<hd { out[h * hd + i] += scores[s] / sum * vs[s][g * hd + i] } }
                }
                xs[t] = zip(xs[t], matvec(p + "attn_output.weight", out, rows: c.dim)).map(+)
                let h2 = rmsnorm(xs[t], w[p + "ffn_norm.weight"]!)
                let g = matvec(p + "ffn_gate.weight", h2, rows: c.hiddenDim), u = matvec(p + "ffn_up.weight", h2, rows: c.hiddenDim)
                var act = zip(g, u).map { $0 / (1 + Foundation.exp(-$0)) * $1 }
                if let gate = gates?[l] ?? nil { act = zip(act, gate).map(*) }
                xs[t] = zip(xs[t], matvec(p + "ffn_down.weight", act, rows: c.dim)).map(+)
            }
        }
        let head = c.tiedEmbedding ? "token_embd.weight" : "output.weight"
        return targets.reduce(0.0) { total, target in
            let logits = matvec(head, rmsnorm(xs[target.position], w["output_norm.weight"]!), rows: c.vocab)
            let m = logits.max()!
            let logZ = m + Foundation.log(logits.reduce(0) { $0 + Foundation.exp($1 - m) })
            return total + target.weight * (logits[Int(target.token)] - logZ)
        }
    }
}
