import CTKKernels

extension KVCacheFormat.KIVI {
    /// Quantises `keys` (per channel) and `values` (per token) of one sequence in place: the rows
    /// the sequence's last query (position `last`) sees quantised. Earlier queries see fewer
    /// quantised rows; they take the full-precision rows beyond their own ends from the originals.
    func quantize(keys: FloatMatrix, values: FloatMatrix, last: Int) {
        let keyRows = keyQuantEnd(position: last), valueRows = valueQuantEnd(position: last)
        tk_kv_minmax_channels(keys.storage, Int64(keyRows), Int64(keys.cols), Int64(keys.cols), Int64(group), Int32(bits))
        tk_kv_minmax_tokens(values.storage, Int64(valueRows), Int64(values.cols), Int64(values.cols), Int64(group), Int32(bits))
    }

    /// The values KIVI hands back for rows `0..<quantizedRows` of keys (`asKeys`) or values of one
    /// sequence (`m` is changed in place); for tests and tools that inspect the scheme.
    public func quantize(_ m: FloatMatrix, quantizedRows: Int, asKeys: Bool) {
        precondition(quantizedRows >= 0 && quantizedRows <= m.rows, "quantize: rows out of range")
        if asKeys {
            tk_kv_minmax_channels(m.storage, Int64(quantizedRows), Int64(m.cols), Int64(m.cols), Int64(group), Int32(bits))
        } else {
            tk_kv_minmax_tokens(m.storage, Int64(quantizedRows), Int64(m.cols), Int64(m.cols), Int64(group), Int32(bits))
        }
    }
}

extension ComputeContext {
    /// Attention as `attention(q:keys:values:…)` computes it, reading the cache in `cacheFormat`.
    ///
    /// f32, f16 and q8_0 store each row as written (`KVCacheFormat.storeRows`), so they take the
    /// plain kernel unchanged. KIVI's quantised values depend on the query's position and on a
    /// key group's other tokens, so each segment is attended on its own: its sequence (the cached
    /// prefix and its own batch rows) is gathered, quantised as its last query sees it, and every
    /// query row takes each score and value from the quantised or the full-precision copy as KIVI's
    /// decoding would have it (`KVCacheFormat.KIVI`). A query's result depends only on its own
    /// sequence, so continuations scored together from a shared prefix get the numbers each would
    /// get alone.
    public func attention(q: FloatMatrix, keys: FloatMatrix, values: FloatMatrix, prefix: Int, segment: [Int32],
                          heads: Int, kvHeads: Int, headDim: Int, variant: AttentionVariant = .standard,
                          positions: [Int32] = [], cacheFormat: KVCacheFormat, into out: FloatMatrix) {
        guard case .kivi(let kivi) = cacheFormat else {
            attention(q: q, keys: keys, values: values, prefix: prefix, segment: segment, heads: heads, kvHeads: kvHeads,
                      headDim: headDim, variant: variant, positions: positions, into: out)
            return
        }
        let n = q.rows
        precondition(segment.count == n && keys.rows >= prefix + n && values.rows >= prefix + n, "attention: cache shorter than prefix + batch")
        precondition(q.cols == heads * headDim && keys.cols == kvHeads * headDim && heads % kvHeads == 0, "attention: head shapes mismatch")
        out.resize(rows: n)
        var order: [Int32] = []
        var rowsOf: [Int32: [Int]] = [:]
        for (i, s) in segment.enumerated() {
            if rowsOf[s] == nil { order.append(s) }
            rowsOf[s, default: []].append(i)
        }
        for s in order {
            attendSegment(rows: rowsOf[s]!, q: q, keys: keys, values: values, prefix: prefix, heads: heads, kvHeads: kvHeads,
                          headDim: headDim, variant: variant, kivi: kivi, into: out)
        }
    }

    /// One segment's rows of a KIVI attention (see above).
    private func attendSegment(rows: [Int], q: FloatMatrix, keys: FloatMatrix, values: FloatMatrix, prefix: Int, heads: Int,
                               kvHeads: Int, headDim: Int, variant: AttentionVariant, kivi: KVCacheFormat.KIVI, into out: FloatMatrix) {
        let n = rows.count, total = prefix + n, kvDim = keys.cols
        // The segment's sequence: the cached prefix, then its own rows in order.
        let k = FloatMatrix(rows: total, cols: kvDim), v = FloatMatrix(rows: total, cols: kvDim)
        let qs = FloatMatrix(rows: n, cols: q.cols), os = FloatMatrix(rows: n, cols: q.cols)
        k.copyRows(from: keys, 0..<prefix, to: 0)
        v.copyRows(from: values, 0..<prefix, to: 0)
        for (j, r) in rows.enumerated() {
            k.copyRows(from: keys, (prefix + r)..<(prefix + r + 1), to: prefix + j)
            v.copyRows(from: values, (prefix + r)..<(prefix + r + 1), to: prefix + j)
            qs.copyRows(from: q, r..<(r + 1), to: j)
        }
        let kq = FloatMatrix(rows: total, cols: kvDim), vq = FloatMatrix(rows: total, cols: kvDim)
        kq.copyRows(from: k, 0..<total, to: 0)
        vq.copyRows(from: v, 0..<total, to: 0)
        kivi.quantize(keys: kq, values: vq, last: total - 1)

        let positions = (0..<n).map { prefix + $0 }
        let visible = positions.map { Int64($0 + 1) }
        let windowStart = positions.map { p in Int64(variant.window.map { w in max(0, p - w + 1) } ?? 0) }
        let keyEnd = positions.map { Int64(kivi.keyQuantEnd(position: $0)) }
        let valueEnd = positions.map { Int64(kivi.valueQuantEnd(position: $0)) }
        let scale = variant.scale ?? 1 / Float(headDim).squareRoot(), softcap = variant.softcap ?? 0
        let group = heads / kvHeads, cells = n * total
        let scratch = workerScratch(count: 3 * cells)
        let qp = SendablePointer(pointer: qs.storage), op = SendablePointer(pointer: os.storage)
        let kp = SendablePointer(pointer: k.storage), vp = SendablePointer(pointer: v.storage)
        let kqp = SendablePointer(pointer: kq.storage), vqp = SendablePointer(pointer: vq.storage)
        let qld = Int32(q.cols), kvld = Int32(kvDim)
        let headRanges = Self.split(heads, parts: threads)
        visible.withUnsafeBufferPointer { vis in
          windowStart.withUnsafeBufferPointer { ws in
            keyEnd.withUnsafeBufferPointer { ke in
              valueEnd.withUnsafeBufferPointer { ve in
                let ends = (SendableRawPointer(pointer: vis.baseAddress!), SendableRawPointer(pointer: ws.baseAddress!),
                            SendableRawPointer(pointer: ke.baseAddress!), SendableRawPointer(pointer: ve.baseAddress!))
                parallel(headRanges.count) { worker in
                    let full = scratch[worker].pointer, quant = full + cells, probsQuant = quant + cells
                    for h in headRanges[worker] {
                        let g = h / group
                        let qh = qp.pointer + h * headDim, oh = op.pointer + h * headDim
                        tk_sgemm(Int32(TK_BLAS_NO_TRANS), Int32(TK_BLAS_TRANS), Int32(n), Int32(total), Int32(headDim),
                                 scale, qh, qld, kp.pointer + g * headDim, kvld, 0, full, Int32(total))
                        tk_sgemm(Int32(TK_BLAS_NO_TRANS), Int32(TK_BLAS_TRANS), Int32(n), Int32(total), Int32(headDim),
                                 scale, qh, qld, kqp.pointer + g * headDim, kvld, 0, quant, Int32(total))
                        tk_kv_mixed_softmax(full, quant, probsQuant, Int64(n), Int64(total), Int64(total),
                                            ends.0.pointer.assumingMemoryBound(to: Int64.self), ends.1.pointer.assumingMemoryBound(to: Int64.self),
                                            ends.2.pointer.assumingMemoryBound(to: Int64.self), ends.3.pointer.assumingMemoryBound(to: Int64.self),
                                            softcap)
                        tk_sgemm(Int32(TK_BLAS_NO_TRANS), Int32(TK_BLAS_NO_TRANS), Int32(n), Int32(headDim), Int32(total),
                                 1, probsQuant, Int32(total), vqp.pointer + g * headDim, kvld, 0, oh, qld)
                        tk_sgemm(Int32(TK_BLAS_NO_TRANS), Int32(TK_BLAS_NO_TRANS), Int32(n), Int32(headDim), Int32(total),
                                 1, full, Int32(total), vp.pointer + g * headDim, kvld, 1, oh, qld)
                    }
                }
              }
            }
          }
        }
        for (j, r) in rows.enumerated() { out.copyRows(from: os, j..<(j + 1), to: r) }
    }
}
