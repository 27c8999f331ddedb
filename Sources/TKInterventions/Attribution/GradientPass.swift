import Foundation
import TKEngine
import TKKernels

/// Forward and backward pass of a Llama-family model in float32 on dequantised weights: the value
/// of a sum of target-token log-probabilities and its gradient with respect to the input
/// embeddings and to a gate on every feed-forward neuron — what integrated gradients needs.
///
/// One sequence, positions `0..<T`, plain causal attention, no cache. The forward is the engine's
/// computation written out (RMSNorm, Q/K/V with optional biases, RoPE, grouped-query softmax
/// attention, output projection, SwiGLU feed-forward, final norm, head); the backward runs it in
/// reverse with the products through BLAS (`DenseGEMM`). Checked against central finite
/// differences of an independent float64 forward in the tests.
///
/// ## Neuron gates
/// Layer l's feed-forward output is `down(z)` with `z[t, i] = gate[l][i] · a[t, i]` and
/// `a = silu(x·Wgᵀ) · (x·Wuᵀ)`; gates of 1 are the model itself. The gradient with respect to a
/// gate is `Σ_t a[t, i] · ∂f/∂z[t, i]` — the attribution of neuron i at every position together,
/// which is what suppressing the neuron (gate 0) removes.
public struct GradientPass: Sendable {
    public let weights: DenseLlamaWeights

    public init(weights: DenseLlamaWeights) { self.weights = weights }

    /// One term of the objective: `weight · log p(token | tokens[0...position])`.
    public struct Target: Sendable, Equatable {
        /// The row whose next-token distribution is read (the token before `token`).
        public var position: Int
        public var token: Int32
        public var weight: Double

        public init(position: Int, token: Int32, weight: Double = 1) {
            self.position = position
            self.token = token
            self.weight = weight
        }

        /// The log-probability of `continuation` after `prefix`, as targets on `prefix + continuation`.
        public static func continuation(_ continuation: [Int32], after prefixLength: Int, weight: Double = 1) -> [Target] {
            continuation.enumerated().map { Target(position: prefixLength + $0.offset - 1, token: $0.element, weight: weight) }
        }
    }

    /// The value and gradients of one pass.
    public struct Output: Sendable {
        /// Σ weight · log p over the targets.
        public var value: Double
        /// The input of block 0 (`T × dim`): the token embeddings times `embeddingScale`, or the
        /// embeddings given.
        public var input: [Float]
        /// ∂value/∂input (`T × dim`); empty when gradients were not asked for.
        public var inputGradient: [Float]
        /// ∂value/∂gate per layer (`layers × hiddenDim`); empty when gradients were not asked for.
        public var gateGradient: [[Float]]
    }

    /// - Parameters:
    ///   - tokens: the sequence (`T ≥ 1`), at positions 0..<T.
    ///   - embeddings: `T × dim` values to feed block 0 instead of the tokens' embeddings (the
    ///     tokens still name the targets); nil to look them up.
    ///   - embeddingScale: multiplies the input of block 0 (integrated gradients over the input).
    ///   - gates: per layer, nil (all 1) or `hiddenDim` neuron gates.
    ///   - gradients: false for the value alone.
    /// - Throws: `ActivationFitError.invalidInput` for tokens outside the vocabulary, targets outside
    ///   the sequence, or gates and embeddings of the wrong shape.
    public func run(tokens: [Int32], targets: [Target], embeddings: [Float]? = nil, embeddingScale: Float = 1,
                    gates: [[Float]?]? = nil, gradients: Bool = true) throws -> Output {
        let c = weights.config
        try check(tokens: tokens, targets: targets, embeddings: embeddings, gates: gates)
        let T = tokens.count, D = c.dim
        var x = embeddings ?? self.embeddings(of: tokens)
        if embeddingScale != 1 { for i in x.indices { x[i] *= embeddingScale } }
        let input = x
        let rope = RotaryTable(config: c, length: T, factors: weights.frequencyFactors)

        var tapes: [LayerTape] = []
        tapes.reserveCapacity(c.layers)
        for l in 0..<c.layers {
            let tape = forwardLayer(l, x: x, rope: rope, gate: gates?[l] ?? nil)
            x = tape.output
            tapes.append(gradients ? tape.trimmed : LayerTape.empty)
        }

        // Head: only the target rows need logits.
        let rows = Array(Set(targets.map(\.position))).sorted()
        let rowIndex = Dictionary(uniqueKeysWithValues: rows.enumerated().map { ($1, $0) })
        let R = rows.count, V = c.vocabSize
        var last = [Float](repeating: 0, count: R * D)
        for (r, t) in rows.enumerated() { for d in 0..<D { last[r * D + d] = x[t * D + d] } }
        let (normed, inv) = rmsNorm(last, rows: R, weight: weights.outputNorm)
        let logits = DenseGEMM.product(normed, weights.head, m: R, n: V, k: D, transposeB: true)
        var value = 0.0
        var dLogits = [Float](repeating: 0, count: R * V)
        for r in 0..<R {
            var m = -Float.infinity
            for v in 0..<V { m = max(m, logits[r * V + v]) }
            var sum = 0.0
            for v in 0..<V { sum += Double(Foundation.exp(logits[r * V + v] - m)) }
            let logZ = Double(m) + Foundation.log(sum)
            let weightSum = targets.filter { rowIndex[$0.position] == r }.reduce(0.0) { $0 + $1.weight }
            for v in 0..<V { dLogits[r * V + v] = Float(-weightSum * Foundation.exp(Double(logits[r * V + v]) - logZ)) }
            for target in targets where rowIndex[target.position] == r {
                value += target.weight * (Double(logits[r * V + Int(target.token)]) - logZ)
                dLogits[r * V + Int(target.token)] += Float(target.weight)
            }
        }
        guard gradients else { return Output(value: value, input: input, inputGradient: [], gateGradient: []) }

        let dNormed = DenseGEMM.product(dLogits, weights.head, m: R, n: D, k: V)
        let dLast = rmsNormBackward(dNormed, input: last, inv: inv, rows: R, weight: weights.outputNorm)
        var dx = [Float](repeating: 0, count: T * D)
        for (r, t) in rows.enumerated() { for d in 0..<D { dx[t * D + d] += dLast[r * D + d] } }
        var gateGradient = [[Float]](repeating: [], count: c.layers)
        for l in stride(from: c.layers - 1, through: 0, by: -1) {
            let (dInput, dGate) = backwardLayer(l, tape: tapes[l], dOutput: dx, rope: rope, gate: gates?[l] ?? nil)
            dx = dInput
            gateGradient[l] = dGate
            tapes[l] = .empty  // free the layer's activations as soon as they are used
        }
        return Output(value: value, input: input, inputGradient: dx, gateGradient: gateGradient)
    }

    /// The tokens' rows of the embedding (`T × dim`); ids must be in the vocabulary.
    public func embeddings(of tokens: [Int32]) -> [Float] {
        let D = weights.config.dim
        var x = [Float](repeating: 0, count: tokens.count * D)
        for (t, token) in tokens.enumerated() {
            let base = Int(token) * D
            for d in 0..<D { x[t * D + d] = weights.embedding[base + d] }
        }
        return x
    }

    private func check(tokens: [Int32], targets: [Target], embeddings: [Float]?, gates: [[Float]?]?) throws {
        let c = weights.config
        guard !tokens.isEmpty else { throw ActivationFitError(.invalidInput, "a gradient needs at least one token") }
        guard tokens.count <= c.contextLength else {
            throw ActivationFitError(.invalidInput, "\(tokens.count) tokens exceed the model's context of \(c.contextLength); shorten the prompt")
        }
        if let bad = tokens.first(where: { $0 < 0 || Int($0) >= c.vocabSize }) {
            throw ActivationFitError(.invalidInput, "token id \(bad) is outside the vocabulary of \(c.vocabSize)")
        }
        guard !targets.isEmpty else { throw ActivationFitError(.invalidInput, "the objective has no target tokens; give at least one (position, token)") }
        for t in targets {
            guard (0..<tokens.count).contains(t.position), t.token >= 0, Int(t.token) < c.vocabSize, t.weight.isFinite else {
                throw ActivationFitError(.invalidInput, "target (position \(t.position), token \(t.token), weight \(t.weight)) is outside the \(tokens.count)-token sequence or the vocabulary of \(c.vocabSize)")
            }
        }
        if let embeddings, embeddings.count != tokens.count * c.dim {
            throw ActivationFitError(.invalidInput, "\(embeddings.count) embedding values for \(tokens.count) tokens of width \(c.dim)")
        }
        if let gates {
            guard gates.count == c.layers else { throw ActivationFitError(.invalidInput, "gates for \(gates.count) layers; the model has \(c.layers)") }
            for (l, g) in gates.enumerated() where g != nil && g!.count != c.hiddenDim {
                throw ActivationFitError(.invalidInput, "layer \(l) has \(g!.count) gates; its feed-forward has \(c.hiddenDim) neurons")
            }
        }
    }

    // MARK: One block

    /// What the backward pass needs of one block's forward.
    struct LayerTape {
        var input: [Float] = [], inv1: [Float] = [], normed1: [Float] = []
        var q: [Float] = [], k: [Float] = [], v: [Float] = []  // after RoPE (q, k)
        var probabilities: [[Float]] = []  // per head, T × T
        var mid: [Float] = [], inv2: [Float] = [], normed2: [Float] = []
        var gatePre: [Float] = [], up: [Float] = [], activation: [Float] = []
        var output: [Float] = []

        static let empty = LayerTape()
        /// Everything but the output (kept by the caller as the next block's input).
        var trimmed: LayerTape { var t = self; t.output = []; return t }
    }

    func forwardLayer(_ l: Int, x: [Float], rope: RotaryTable, gate: [Float]?) -> LayerTape {
        let c = weights.config, w = weights.layers[l]
        let T = x.count / c.dim, D = c.dim, H = c.hiddenDim
        var tape = LayerTape()
        tape.input = x
        (tape.normed1, tape.inv1) = rmsNorm(x, rows: T, weight: w.attentionNorm)
        var q = DenseGEMM.product(tape.normed1, w.wq, m: T, n: c.qDim, k: D, transposeB: true)
        var k = DenseGEMM.product(tape.normed1, w.wk, m: T, n: c.kvDim, k: D, transposeB: true)
        var v = DenseGEMM.product(tape.normed1, w.wv, m: T, n: c.kvDim, k: D, transposeB: true)
        if let b = w.bq { addBias(&q, b) }
        if let b = w.bk { addBias(&k, b) }
        if let b = w.bv { addBias(&v, b) }
        rope.rotate(&q, heads: c.heads, inverse: false)
        rope.rotate(&k, heads: c.kvHeads, inverse: false)
        let hd = c.headDim, group = c.heads / c.kvHeads, scale = 1 / Float(hd).squareRoot()
        var attention = [Float](repeating: 0, count: T * c.qDim)
        tape.probabilities.reserveCapacity(c.heads)
        for h in 0..<c.heads {
            let g = h / group
            let qh = columns(q, rows: T, width: c.qDim, from: h * hd, count: hd)
            let kh = columns(k, rows: T, width: c.kvDim, from: g * hd, count: hd)
            let vh = columns(v, rows: T, width: c.kvDim, from: g * hd, count: hd)
            var p = DenseGEMM.product(qh, kh, m: T, n: T, k: hd, transposeB: true)
            for t in 0..<T {
                var m = -Float.infinity
                for s in 0...t { p[t * T + s] *= scale; m = max(m, p[t * T + s]) }
                var sum: Float = 0
                for s in 0...t { let e = Foundation.exp(p[t * T + s] - m); p[t * T + s] = e; sum += e }
                for s in 0...t { p[t * T + s] /= sum }
                for s in (t + 1)..<T { p[t * T + s] = 0 }
            }
            let oh = DenseGEMM.product(p, vh, m: T, n: hd, k: T)
            setColumns(&attention, rows: T, width: c.qDim, from: h * hd, oh, count: hd)
            tape.probabilities.append(p)
        }
        (tape.q, tape.k, tape.v) = (q, k, v)
        var mid = DenseGEMM.product(attention, w.wo, m: T, n: D, k: c.qDim, transposeB: true)
        for i in mid.indices { mid[i] += x[i] }
        tape.mid = mid
        (tape.normed2, tape.inv2) = rmsNorm(mid, rows: T, weight: w.ffnNorm)
        tape.gatePre = DenseGEMM.product(tape.normed2, w.gate, m: T, n: H, k: D, transposeB: true)
        tape.up = DenseGEMM.product(tape.normed2, w.up, m: T, n: H, k: D, transposeB: true)
        var z = [Float](repeating: 0, count: T * H)
        tape.activation = z
        for i in z.indices {
            let gp = tape.gatePre[i]
            let a = gp / (1 + Foundation.exp(-gp)) * tape.up[i]
            tape.activation[i] = a
            z[i] = gate.map { $0[i % H] * a } ?? a
        }
        var out = DenseGEMM.product(z, w.down, m: T, n: D, k: H, transposeB: true)
        for i in out.indices { out[i] += mid[i] }
        tape.output = out
        return tape
    }

    /// ∂f/∂(block input) and ∂f/∂gate from ∂f/∂(block output).
    func backwardLayer(_ l: Int, tape: LayerTape, dOutput: [Float], rope: RotaryTable, gate: [Float]?) -> (input: [Float], gate: [Float]) {
        let c = weights.config, w = weights.layers[l]
        let T = dOutput.count / c.dim, D = c.dim, H = c.hiddenDim
        // Feed-forward: out = mid + down(z), z = gate · silu(gp) · up.
        let dz = DenseGEMM.product(dOutput, w.down, m: T, n: H, k: D)
        var dGate = [Float](repeating: 0, count: H)
        var dGatePre = [Float](repeating: 0, count: T * H), dUp = [Float](repeating: 0, count: T * H)
        for i in dz.indices {
            let n = i % H
            dGate[n] += tape.activation[i] * dz[i]
            let da = (gate?[n] ?? 1) * dz[i]
            let gp = tape.gatePre[i]
            let sigmoid = 1 / (1 + Foundation.exp(-gp))
            dUp[i] = da * gp * sigmoid
            dGatePre[i] = da * tape.up[i] * sigmoid * (1 + gp * (1 - sigmoid))
        }
        var dNormed2 = DenseGEMM.product(dGatePre, w.gate, m: T, n: D, k: H)
        DenseGEMM.multiply(dUp, w.up, into: &dNormed2, m: T, n: D, k: H, accumulate: true)
        var dMid = rmsNormBackward(dNormed2, input: tape.mid, inv: tape.inv2, rows: T, weight: w.ffnNorm)
        for i in dMid.indices { dMid[i] += dOutput[i] }

        // Attention: mid = input + wo(attention).
        let dAttention = DenseGEMM.product(dMid, w.wo, m: T, n: c.qDim, k: D)
        let hd = c.headDim, group = c.heads / c.kvHeads, scale = 1 / Float(hd).squareRoot()
        var dq = [Float](repeating: 0, count: T * c.qDim)
        var dk = [Float](repeating: 0, count: T * c.kvDim), dv = [Float](repeating: 0, count: T * c.kvDim)
        for h in 0..<c.heads {
            let g = h / group
            let qh = columns(tape.q, rows: T, width: c.qDim, from: h * hd, count: hd)
            let kh = columns(tape.k, rows: T, width: c.kvDim, from: g * hd, count: hd)
            let vh = columns(tape.v, rows: T, width: c.kvDim, from: g * hd, count: hd)
            let doh = columns(dAttention, rows: T, width: c.qDim, from: h * hd, count: hd)
            let p = tape.probabilities[h]
            var dp = DenseGEMM.product(doh, vh, m: T, n: T, k: hd, transposeB: true)
            let dvh = DenseGEMM.product(p, doh, m: T, n: hd, k: T, transposeA: true)
            // Softmax backward, then the 1/√hd of the scores.
            for t in 0..<T {
                var dot: Float = 0
                for s in 0...t { dot += p[t * T + s] * dp[t * T + s] }
                for s in 0..<T { dp[t * T + s] = s <= t ? p[t * T + s] * (dp[t * T + s] - dot) * scale : 0 }
            }
            let dqh = DenseGEMM.product(dp, kh, m: T, n: hd, k: T)
            let dkh = DenseGEMM.product(dp, qh, m: T, n: hd, k: T, transposeA: true)
            addColumns(&dq, rows: T, width: c.qDim, from: h * hd, dqh, count: hd)
            addColumns(&dk, rows: T, width: c.kvDim, from: g * hd, dkh, count: hd)
            addColumns(&dv, rows: T, width: c.kvDim, from: g * hd, dvh, count: hd)
        }
        rope.rotate(&dq, heads: c.heads, inverse: true)
        rope.rotate(&dk, heads: c.kvHeads, inverse: true)
        var dNormed1 = DenseGEMM.product(dq, w.wq, m: T, n: D, k: c.qDim)
        DenseGEMM.multiply(dk, w.wk, into: &dNormed1, m: T, n: D, k: c.kvDim, accumulate: true)
        DenseGEMM.multiply(dv, w.wv, into: &dNormed1, m: T, n: D, k: c.kvDim, accumulate: true)
        var dInput = rmsNormBackward(dNormed1, input: tape.input, inv: tape.inv1, rows: T, weight: w.attentionNorm)
        for i in dInput.indices { dInput[i] += dMid[i] }
        return (dInput, dGate)
    }

    // MARK: Pieces

    /// `x · inv · weight` per row with `inv = 1/√(mean(x²) + ε)`; returns the rows and `inv`.
    func rmsNorm(_ x: [Float], rows: Int, weight: [Float]) -> ([Float], [Float]) {
        let D = weight.count, eps = weights.config.normEpsilon
        var out = x, inv = [Float](repeating: 0, count: rows)
        for r in 0..<rows {
            var ss: Float = 0
            for d in 0..<D { ss += x[r * D + d] * x[r * D + d] }
            inv[r] = 1 / (ss / Float(D) + eps).squareRoot()
            for d in 0..<D { out[r * D + d] = x[r * D + d] * inv[r] * weight[d] }
        }
        return (out, inv)
    }

    /// ∂/∂x of `rmsNorm` given ∂/∂out: `inv·g − x·inv³·(g·x)/D` with `g = dOut ⊙ weight`.
    func rmsNormBackward(_ dOut: [Float], input x: [Float], inv: [Float], rows: Int, weight: [Float]) -> [Float] {
        let D = weight.count
        var dx = [Float](repeating: 0, count: rows * D)
        for r in 0..<rows {
            var dot: Float = 0
            for d in 0..<D { dot += dOut[r * D + d] * weight[d] * x[r * D + d] }
            let i = inv[r], k = i * i * i * dot / Float(D)
            for d in 0..<D { dx[r * D + d] = i * dOut[r * D + d] * weight[d] - x[r * D + d] * k }
        }
        return dx
    }

    func addBias(_ x: inout [Float], _ b: [Float]) {
        for i in x.indices { x[i] += b[i % b.count] }
    }

    func columns(_ m: [Float], rows: Int, width: Int, from: Int, count: Int) -> [Float] {
        var out = [Float](repeating: 0, count: rows * count)
        for r in 0..<rows { for j in 0..<count { out[r * count + j] = m[r * width + from + j] } }
        return out
    }

    func setColumns(_ m: inout [Float], rows: Int, width: Int, from: Int, _ values: [Float], count: Int) {
        for r in 0..<rows { for j in 0..<count { m[r * width + from + j] = values[r * count + j] } }
    }

    func addColumns(_ m: inout [Float], rows: Int, width: Int, from: Int, _ values: [Float], count: Int) {
        for r in 0..<rows { for j in 0..<count { m[r * width + from + j] += values[r * count + j] } }
    }
}

/// Rotary embedding angles for positions `0..<length`, with the engine's recipe (`tk_rope_scaled`:
/// inverse frequency `1/base^(2i/ropeDim)` in float, divided by Llama 3's factor, angle = position
/// × inverse frequency); rotating by the negative angles is the backward pass, since a rotation's
/// transpose is its inverse.
struct RotaryTable {
    let cos: [Float], sin: [Float]  // length × ropeDim/2
    let half: Int, headDim: Int, neox: Bool

    init(config c: ModelConfig, length: Int, factors: [Float]?) {
        half = c.ropeDim / 2
        headDim = c.headDim
        neox = c.ropeNeox
        var cosines = [Float](repeating: 0, count: length * half), sines = cosines
        for t in 0..<length {
            for i in 0..<half {
                var inverseFrequency = 1 / Foundation.pow(c.ropeBase, Float(2 * i) / Float(c.ropeDim))
                if let factors { inverseFrequency /= factors[i] }
                let angle = Float(t) * inverseFrequency
                cosines[t * half + i] = Foundation.cos(angle)
                sines[t * half + i] = Foundation.sin(angle)
            }
        }
        cos = cosines
        sin = sines
    }

    /// Rotates every head of every row (`rows × heads·headDim`) forward, or back when `inverse`.
    func rotate(_ x: inout [Float], heads: Int, inverse: Bool) {
        let width = heads * headDim, rows = x.count / width
        for t in 0..<rows {
            for h in 0..<heads {
                let base = t * width + h * headDim
                for i in 0..<half {
                    let (i0, i1) = neox ? (base + i, base + i + half) : (base + 2 * i, base + 2 * i + 1)
                    let cs = cos[t * half + i], sn = inverse ? -sin[t * half + i] : sin[t * half + i]
                    let a = x[i0], b = x[i1]
                    x[i0] = a * cs - b * sn
                    x[i1] = a * sn + b * cs
                }
            }
        }
    }
}
