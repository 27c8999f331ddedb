import CTKKernels

/// Row-wise operations on whole matrices; shapes are checked once here, not per element.
public enum Elementwise {
    /// RMSNorm of every row of `x` into `out` (`out` may be `x`).
    public static func rmsNorm(_ x: FloatMatrix, weight: [Float], epsilon: Float, into out: FloatMatrix) {
        precondition(weight.count == x.cols && out.cols == x.cols, "rmsNorm: shape mismatch")
        out.resize(rows: x.rows)
        weight.withUnsafeBufferPointer {
            tk_rmsnorm(x.storage, $0.baseAddress!, out.storage, Int64(x.rows), Int64(x.cols), epsilon)
        }
    }

    /// Rotary position embedding in place on each head of each row.
    /// `frequencyFactors` (`ropeDim / 2` divisors, Llama 3's scaling) slow the rotation of each
    /// frequency; nil leaves them as the base gives them.
    public static func rope(_ x: FloatMatrix, heads: Int, headDim: Int, ropeDim: Int, positions: [Int32], base: Float, neox: Bool,
                            frequencyFactors: [Float]? = nil) {
        precondition(positions.count == x.rows && heads * headDim <= x.cols && ropeDim <= headDim && ropeDim <= 1024, "rope: shape mismatch")
        precondition(frequencyFactors == nil || frequencyFactors!.count == ropeDim / 2, "rope: one frequency factor per rotated pair")
        positions.withUnsafeBufferPointer { p in
            if let factors = frequencyFactors {
                factors.withUnsafeBufferPointer {
                    tk_rope_scaled(x.storage, Int64(x.rows), Int64(x.cols), Int64(heads), Int64(headDim), Int64(ropeDim), p.baseAddress!, base,
                                   neox ? 1 : 0, $0.baseAddress!)
                }
            } else {
                tk_rope(x.storage, Int64(x.rows), Int64(x.cols), Int64(heads), Int64(headDim), Int64(ropeDim), p.baseAddress!, base, neox ? 1 : 0)
            }
        }
    }

    /// `gate = silu(gate) * up`, the SwiGLU feed-forward activation.
    public static func swiGLU(gate: FloatMatrix, up: FloatMatrix) {
        precondition(gate.rows == up.rows && gate.cols == up.cols, "swiGLU: shape mismatch")
        tk_swiglu(gate.storage, up.storage, Int64(gate.rows * gate.cols))
    }

    /// `gate = gelu_tanh(gate) * up`, the GeGLU feed-forward activation of Gemma.
    public static func gegluTanh(gate: FloatMatrix, up: FloatMatrix) {
        precondition(gate.rows == up.rows && gate.cols == up.cols, "gegluTanh: shape mismatch")
        tk_geglu_tanh(gate.storage, up.storage, Int64(gate.rows * gate.cols))
    }

    /// `x = cap · tanh(x / cap)` on every element (Gemma 2's logit soft-capping).
    public static func softcap(_ x: FloatMatrix, cap: Float) {
        precondition(cap > 0, "softcap: cap must be positive")
        tk_softcap(x.storage, Int64(x.rows * x.cols), cap)
    }

    /// Multiplies every element by `factor` (Gemma's √dim embedding scale).
    public static func scale(_ x: FloatMatrix, by factor: Float) {
        for i in 0..<(x.rows * x.cols) { x.storage[i] *= factor }
    }

    /// RMSNorm of each head of each row on its own (QK-norm): `x` is `rows × (heads·headDim)`
    /// and every `headDim` slice is normalised in place with the shared `weight` of `headDim`.
    public static func headRMSNorm(_ x: FloatMatrix, heads: Int, weight: [Float], epsilon: Float) {
        precondition(heads * weight.count == x.cols, "headRMSNorm: shape mismatch")
        weight.withUnsafeBufferPointer {
            tk_rmsnorm(x.storage, $0.baseAddress!, x.storage, Int64(x.rows * heads), Int64(weight.count), epsilon)
        }
    }

    /// Adds a bias vector to every row.
    public static func addBias(_ x: FloatMatrix, _ bias: [Float]) {
        precondition(bias.count == x.cols, "addBias: shape mismatch")
        bias.withUnsafeBufferPointer { b in
            for r in 0..<x.rows { tk_add_inplace(x.storage + r * x.cols, b.baseAddress!, Int64(x.cols)) }
        }
    }

    /// Log-sum-exp of every row (the normaliser of log-softmax).
    public static func logSumExp(_ logits: FloatMatrix) -> [Float] {
        [Float](unsafeUninitializedCapacity: logits.rows) { buffer, initialized in
            tk_logsumexp_rows(logits.storage, Int64(logits.rows), Int64(logits.cols), buffer.baseAddress!)
            initialized = logits.rows
        }
    }
}

extension Elementwise {
    /// Index of the largest value in each row (lowest index on ties).
    public static func argmax(_ x: FloatMatrix) -> [Int32] {
        [Int32](unsafeUninitializedCapacity: x.rows) { buffer, initialized in
            tk_argmax_rows(x.storage, Int64(x.rows), Int64(x.cols), buffer.baseAddress!)
            initialized = x.rows
        }
    }
}

extension Elementwise {
    /// Σᵢ m·(log m − pᵢ) + m·(log m − qᵢ) with m = (e^pᵢ + e^qᵢ)/2, for two rows of
    /// log-probabilities: twice the Jensen–Shannon divergence (in nats), vectorised with float
    /// exp/log (a few ulp per term) and summed in double. Where either row is -infinity the term is
    /// computed exactly (and is infinite, as the divergence is).
    public static func jensenShannonSum(_ logP: [Float], _ logQ: [Float]) -> Double {
        precondition(logP.count == logQ.count, "jensenShannonSum: rows of equal length")
        return logP.withUnsafeBufferPointer { p in
            logQ.withUnsafeBufferPointer { q in
                tk_js_divergence_sum(p.baseAddress, q.baseAddress, Int64(p.count))
            }
        }
    }
}
