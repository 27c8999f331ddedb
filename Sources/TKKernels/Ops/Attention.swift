import CTKKernels

extension ComputeContext {
    /// Grouped-query attention of `n` new query rows against a key/value cache.
    ///
    /// - `q`: `n × (heads·headDim)`, already rotated. `keys`/`values`: `cacheRows × (kvHeads·headDim)`,
    ///   holding `prefix` earlier positions followed by the `n` new ones.
    /// - Visibility: every query sees all `prefix` cached positions; among the new rows, row t sees
    ///   row s when s ≤ t and `segment[s] == segment[t]` — one segment is ordinary causal attention,
    ///   several segments score several continuations of one shared prefix in a single pass.
    /// - `out`: `n × (heads·headDim)`, each head's output before the output projection.
    ///
    /// Heads are spread over the workers. Queries go in blocks of `attentionBlockRows`; a block
    /// only multiplies keys up to its last row's position, since later ones are never visible.
    public func attention(q: FloatMatrix, keys: FloatMatrix, values: FloatMatrix, prefix: Int, segment: [Int32],
                          heads: Int, kvHeads: Int, headDim: Int, into out: FloatMatrix) {
        let n = q.rows
        let total = prefix + n
        precondition(segment.count == n && keys.rows >= total && values.rows >= total, "attention: cache shorter than prefix + batch")
        precondition(q.cols == heads * headDim && keys.cols == kvHeads * headDim && heads % kvHeads == 0, "attention: head shapes mismatch")
        out.resize(rows: n)
        let group = heads / kvHeads
        let scale = 1 / Float(headDim).squareRoot()
        let block = max(1, attentionBlockRows)
        let scratch = workerScratch(count: min(n, block) * total)
        let qp = SendablePointer(pointer: q.storage), kp = SendablePointer(pointer: keys.storage)
        let vp = SendablePointer(pointer: values.storage), op = SendablePointer(pointer: out.storage)
        let qld = Int32(q.cols), kvld = Int32(keys.cols), old = Int32(out.cols)
        let headRanges = Self.split(heads, parts: threads)
        segment.withUnsafeBufferPointer { seg in
            let segp = SendablePointer(pointer: UnsafeMutablePointer(mutating: seg.baseAddress!))
            parallel(headRanges.count) { worker in
                let s = scratch[worker].pointer
                for h in headRanges[worker] {
                    let g = h / group
                    if n == 1 {
                        // One new token (decode) sees every cached position: plain dot products
                        // beat two tiny sgemm calls per head.
                        tk_attention_row(qp.pointer + h * headDim, kp.pointer + g * headDim, vp.pointer + g * headDim,
                                         Int64(total), Int64(kvld), Int64(headDim), scale, s, op.pointer + h * headDim)
                        continue
                    }
                    for t0 in stride(from: 0, to: n, by: block) {
                        let rows = min(block, n - t0)
                        let visible = prefix + t0 + rows  // keys past the block's last row are never visible
                        tk_sgemm(Int32(TK_BLAS_NO_TRANS), Int32(TK_BLAS_TRANS), Int32(rows), Int32(visible), Int32(headDim),
                                    scale, qp.pointer + t0 * Int(qld) + h * headDim, qld, kp.pointer + g * headDim, kvld,
                                    0, s, Int32(visible))
                        tk_masked_softmax(s, Int64(rows), Int64(visible), Int64(prefix), Int64(visible),
                                          segp.pointer, Int64(t0))
                        tk_sgemm(Int32(TK_BLAS_NO_TRANS), Int32(TK_BLAS_NO_TRANS), Int32(rows), Int32(headDim), Int32(visible),
                                    1, s, Int32(visible), vp.pointer + g * headDim, kvld,
                                    0, op.pointer + t0 * Int(old) + h * headDim, old)
                    }
                }
            }
        }
    }
}
