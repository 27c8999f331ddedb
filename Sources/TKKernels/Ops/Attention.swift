import CTKKernels

/// How one layer's attention departs from plain causal softmax(q·k/√d)·v.
///
/// The default is plain attention; families set what their layers need: Gemma 2/3 and Mistral
/// attend only to the last `window` positions on local layers, Gemma 2 soft-caps the scores, and
/// a few models scale queries by something other than 1/√headDim.
public struct AttentionVariant: Sendable, Equatable {
    /// A query sees keys fewer than `window` positions behind it (itself included); nil: all.
    public var window: Int?
    /// Scores become `cap · tanh(score / cap)` before masking; nil: unchanged.
    public var softcap: Float?
    /// Multiplier of q·k; nil: 1/√headDim.
    public var scale: Float?

    public init(window: Int? = nil, softcap: Float? = nil, scale: Float? = nil) {
        self.window = window
        self.softcap = softcap
        self.scale = scale
    }

    public static let standard = AttentionVariant()
}

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
    /// - `variant`: sliding window, score soft-capping and scale (see `AttentionVariant`); a
    ///   sliding window needs the batch rows' absolute `positions`.
    ///
    /// Heads are spread over the workers. Queries go in blocks of `attentionBlockRows`; a block
    /// only multiplies keys up to its last row's position, since later ones are never visible.
    public func attention(q: FloatMatrix, keys: FloatMatrix, values: FloatMatrix, prefix: Int, segment: [Int32],
                          heads: Int, kvHeads: Int, headDim: Int, variant: AttentionVariant = .standard,
                          positions: [Int32] = [], into out: FloatMatrix) {
        let n = q.rows
        let total = prefix + n
        precondition(segment.count == n && keys.rows >= total && values.rows >= total, "attention: cache shorter than prefix + batch")
        precondition(q.cols == heads * headDim && keys.cols == kvHeads * headDim && heads % kvHeads == 0, "attention: head shapes mismatch")
        out.resize(rows: n)
        let group = heads / kvHeads
        precondition(variant.window == nil || positions.count == n, "attention: a sliding window needs each row's position")
        precondition((variant.window ?? 1) > 0 && (variant.softcap ?? 1) > 0, "attention: window and soft-cap must be positive")
        let scale = variant.scale ?? 1 / Float(headDim).squareRoot()
        // The one-row fast path sees every cached key with plain scores; other variants take the
        // general path, whose masking steps apply to a block of one row just the same.
        let plain = variant.window == nil && variant.softcap == nil
        let window = Int64(variant.window ?? 0), softcap = variant.softcap ?? 0
        let block = max(1, attentionBlockRows)
        let scratch = workerScratch(count: min(n, block) * total)
        let qp = SendablePointer(pointer: q.storage), kp = SendablePointer(pointer: keys.storage)
        let vp = SendablePointer(pointer: values.storage), op = SendablePointer(pointer: out.storage)
        let qld = Int32(q.cols), kvld = Int32(keys.cols), old = Int32(out.cols)
        let headRanges = Self.split(heads, parts: threads)
        let rowPositions = variant.window == nil ? [Int32](repeating: 0, count: n) : positions
        segment.withUnsafeBufferPointer { seg in
          rowPositions.withUnsafeBufferPointer { pos in
            let segp = SendablePointer(pointer: UnsafeMutablePointer(mutating: seg.baseAddress!))
            let posp = SendablePointer(pointer: UnsafeMutablePointer(mutating: pos.baseAddress!))
            parallel(headRanges.count) { worker in
                let s = scratch[worker].pointer
                for h in headRanges[worker] {
                    let g = h / group
                    if n == 1 && plain {
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
                        if softcap > 0 { tk_softcap(s, Int64(rows * visible), softcap) }
                        if window > 0 {
                            tk_mask_sliding_window(s, Int64(rows), Int64(visible), Int64(prefix), Int64(visible),
                                                   posp.pointer, Int64(t0), window)
                        }
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
}
