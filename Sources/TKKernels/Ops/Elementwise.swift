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
    public static func rope(_ x: FloatMatrix, heads: Int, headDim: Int, ropeDim: Int, positions: [Int32], base: Float, neox: Bool) {
        precondition(positions.count == x.rows && heads * headDim <= x.cols && ropeDim <= headDim && ropeDim <= 1024, "rope: shape mismatch")
        positions.withUnsafeBufferPointer {
            tk_rope(x.storage, Int64(x.rows), Int64(x.cols), Int64(heads), Int64(headDim), Int64(ropeDim), $0.baseAddress!, base, neox ? 1 : 0)
        }
    }

    /// `gate = silu(gate) * up`, the SwiGLU feed-forward activation.
    public static func swiGLU(gate: FloatMatrix, up: FloatMatrix) {
        precondition(gate.rows == up.rows && gate.cols == up.cols, "swiGLU: shape mismatch")
        tk_swiglu(gate.storage, up.storage, Int64(gate.rows * gate.cols))
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
