import Foundation

/// A deliberately plain float32 forward pass (llama2.c style loops, no cache, no batching) used
/// as the reference the engine is checked against. Slow and obvious on purpose.
///
/// Families: `llama`, `qwen2` (biases, NeoX RoPE) and `gemma3` (√dim embedding scale, QK-norm,
/// norms after attention and the feed-forward, GELU-tanh, even layers local with a sliding
/// window and RoPE base 10,000), written from transformers' `modeling_gemma3.py`.
public struct NaiveTransformer {
    public let model: TinyModel

    public init(model: TinyModel) { self.model = model }

    /// Edits applied during the reference pass, mirroring engine hooks.
    public struct Edits {
        /// Added to the residual stream after block `layer`, at every position.
        public var residualAdd: [Int: [Float]] = [:]
        /// Added to head `head`'s output (before the output projection) in block `layer`, at every position.
        public var headAdd: [Int: [Int: [Float]]] = [:]
        public init() {}
    }

    /// Logits for every position of `tokens` (`tokens.count × vocab`), and the residual stream after each block.
    public func forward(_ tokens: [Int32], edits: Edits = Edits()) -> (logits: [[Float]], residuals: [[[Float]]]) {
        let c = model.config, w = model.weights
        let hd = c.headDim, qDim = c.heads * hd, kvDim = c.kvHeads * hd
        func row(_ name: String, _ r: Int, _ cols: Int) -> ArraySlice<Float> { w[name]![(r * cols)..<((r + 1) * cols)] }
        func matvec(_ name: String, _ x: [Float], rows: Int) -> [Float] {
            (0..<rows).map { r in zip(row(name, r, x.count), x).reduce(Float(0)) { $0 + $1.0 * $1.1 } }
        }
        func rmsnorm(_ x: [Float], _ weight: [Float]) -> [Float] {
            let ss = x.reduce(Float(0)) { $0 + $1 * $1 } / Float(x.count)
            let s = 1 / (ss + c.epsilon).squareRoot()
            return zip(x, weight).map { $0 * s * $1 }
        }
        let gemma = c.architecture == "gemma3"
        func rope(_ v: inout [Float], heads: Int, pos: Int, base: Float) {
            let neox = c.architecture == "qwen2" || gemma
            for h in 0..<heads {
                for i in 0..<(hd / 2) {
                    let freq = 1 / Foundation.pow(base, Float(2 * i) / Float(hd))
                    let a = Float(pos) * freq
                    let (i0, i1) = neox ? (h * hd + i, h * hd + i + hd / 2) : (h * hd + 2 * i, h * hd + 2 * i + 1)
                    let x0 = v[i0], x1 = v[i1]
                    v[i0] = x0 * Foundation.cos(a) - x1 * Foundation.sin(a)
                    v[i1] = x0 * Foundation.sin(a) + x1 * Foundation.cos(a)
                }
            }
        }
        func headNorm(_ v: [Float], _ weight: [Float]?) -> [Float] {
            guard let weight else { return v }
            return stride(from: 0, to: v.count, by: hd).flatMap { rmsnorm(Array(v[$0..<($0 + hd)]), weight) }
        }
        func postNorm(_ v: [Float], _ name: String) -> [Float] { w[name].map { rmsnorm(v, $0) } ?? v }
        let embeddingScale: Float = gemma ? Float(c.dim).squareRoot() : 1
        var xs: [[Float]] = tokens.map { Array(row("token_embd.weight", Int($0), c.dim)).map { $0 * embeddingScale } }
        var residuals: [[[Float]]] = []
        for l in 0..<c.layers {
            let p = "blk.\(l)."
            let local = gemma && l % 2 == 0
            let base: Float = local ? 10_000 : c.ropeBase
            var ks: [[Float]] = [], vs: [[Float]] = [], qs: [[Float]] = []
            for (pos, x) in xs.enumerated() {
                let h = rmsnorm(x, w[p + "attn_norm.weight"]!)
                var q = matvec(p + "attn_q.weight", h, rows: qDim)
                var k = matvec(p + "attn_k.weight", h, rows: kvDim)
                var v = matvec(p + "attn_v.weight", h, rows: kvDim)
                if let b = w[p + "attn_q.bias"] { q = zip(q, b).map(+) }
                if let b = w[p + "attn_k.bias"] { k = zip(k, b).map(+) }
                if let b = w[p + "attn_v.bias"] { v = zip(v, b).map(+) }
                q = headNorm(q, w[p + "attn_q_norm.weight"])
                k = headNorm(k, w[p + "attn_k_norm.weight"])
                rope(&q, heads: c.heads, pos: pos, base: base)
                rope(&k, heads: c.kvHeads, pos: pos, base: base)
                qs.append(q); ks.append(k); vs.append(v)
            }
            for t in 0..<xs.count {
                var out = [Float](repeating: 0, count: qDim)
                for h in 0..<c.heads {
                    let g = h / (c.heads / c.kvHeads)
                    // A local layer's query sees the last `slidingWindow` positions, itself included.
                    let first = local ? max(0, t - c.slidingWindow + 1) : 0
                    var scores = (0...t).map { s in
                        s < first ? -Float.infinity
                            : (0..<hd).reduce(Float(0)) { $0 + qs[t][h * hd + $1] * ks[s][g * hd + $1] } / Float(hd).squareRoot()
                    }
                    let m = scores.max()!
                    scores = scores.map { Foundation.exp($0 - m) }
                    let sum = scores.reduce(0, +)
                    for s in 0...t { for i in 0..<hd { out[h * hd + i] += scores[s] / sum * vs[s][g * hd + i] } }
                    if let add = edits.headAdd[l]?[h] { for i in 0..<hd { out[h * hd + i] += add[i] } }
                }
                let o = postNorm(matvec(p + "attn_output.weight", out, rows: c.dim), p + "post_attention_norm.weight")
                xs[t] = zip(xs[t], o).map(+)
                let h2 = rmsnorm(xs[t], w[p + "ffn_norm.weight"]!)
                let g = matvec(p + "ffn_gate.weight", h2, rows: c.hiddenDim)
                let u = matvec(p + "ffn_up.weight", h2, rows: c.hiddenDim)
                let act = gemma
                    ? zip(g, u).map { 0.5 * $0 * (1 + Foundation.tanh(0.7978845608 * ($0 + 0.044715 * $0 * $0 * $0))) * $1 }
                    : zip(g, u).map { $0 / (1 + Foundation.exp(-$0)) * $1 }
                let d = postNorm(matvec(p + "ffn_down.weight", act, rows: c.dim), p + "post_ffw_norm.weight")
                xs[t] = zip(xs[t], d).map(+)
                if let add = edits.residualAdd[l] { xs[t] = zip(xs[t], add).map(+) }
            }
            residuals.append(xs)
        }
        let head = c.tiedEmbedding ? "token_embd.weight" : "output.weight"
        let logits = xs.map { matvec(head, rmsnorm($0, w["output_norm.weight"]!), rows: c.vocab) }
        return (logits, residuals)
    }
}
