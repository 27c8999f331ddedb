import CTKKernels

/// What scoring needs from the output head for each row, without its `rows × vocab` logits:
/// the log-sum-exp (log-softmax normaliser), the argmax, and the logits of the requested tokens.
public struct LogSoftmaxSummary: Sendable {
    /// log Σ exp(logit) per row.
    public var logSumExp: [Float]
    /// Index of the largest logit per row (lowest index on ties).
    public var argmax: [Int32]
    /// The logit of each requested token of each row, in request order.
    public var targetLogits: [[Float]]

    /// log p(targets[row][i]) = logit − log-sum-exp.
    public func logProbability(row: Int, target i: Int) -> Float { targetLogits[row][i] - logSumExp[row] }
}

extension ComputeContext {
    /// Vocabulary ids per tile: the unit of both the work split and the log-sum-exp (`TK_LOGIT_TILE`).
    public static var logitTileWidth: Int { Int(TK_LOGIT_TILE) }

    /// Rows of `x` handled per pass over the vocabulary; bounds each worker's logit scratch to
    /// `logitRowChunk × logitTileWidth` floats.
    static let logitRowChunk = 256

    /// The output head `x · Wᵀ` (soft-capped by `softcap` when given) reduced on the fly to a
    /// `LogSoftmaxSummary`: the vocabulary is cut into fixed tiles of `logitTileWidth` ids, each
    /// worker multiplies its tiles with the row-invariant product (`rowInvariantMatmul`) into a
    /// tile-sized scratch and keeps per row the tile's max, argmax and Σ exp(logit − max); the tiles
    /// are then merged in vocabulary order. So no more than one tile of logits per worker exists at
    /// once, every product is computed once, and the numbers are those of the full-row path
    /// (`rowInvariantMatmul` then `Elementwise.logSumExp`/`argmax`) bit for bit, for any batch.
    ///
    /// `x` holds the rows already through the final norm; `targets[r]` lists row r's tokens
    /// (each in `0..<head.rows`).
    public func logSoftmaxSummary(_ x: FloatMatrix, head: QuantizedMatrix, softcap: Float?, targets: [[Int32]],
                                  isa: KernelISA = KernelSystem.isa) -> LogSoftmaxSummary {
        precondition(x.cols == head.cols, "output head: x has \(x.cols) columns, the head expects \(head.cols)")
        precondition(targets.count == x.rows, "output head: one target list per row")
        precondition(isa <= KernelSystem.isa, "logSoftmaxSummary: \(isa) is above this process's ISA \(KernelSystem.isa)")
        let n = x.rows, vocab = head.rows, cols = head.cols, width = Self.logitTileWidth
        for list in targets { for t in list { precondition(t >= 0 && Int(t) < vocab, "output head: target \(t) is outside the vocabulary (0..<\(vocab))") } }
        var lse = [Float](repeating: 0, count: n), argmax = [Int32](repeating: 0, count: n)
        var targetLogits = targets.map { [Float](repeating: 0, count: $0.count) }
        guard n > 0 else { return LogSoftmaxSummary(logSumExp: lse, argmax: argmax, targetLogits: targetLogits) }

        let tiles = (vocab + width - 1) / width
        let tileRanges = Self.split(tiles, parts: threads)
        let chunkRows = min(n, Self.logitRowChunk)
        let panelFloats = Int(tk_rowgemm_scratch_floats(Int64(cols)))
        let scratch = workerScratch(count: panelFloats + chunkRows * width)
        let type = Int32(head.format.rawValue), rowBytes = head.rowBytes, level = isa.kernelCode
        let base = SendableRawPointer(pointer: head.base)
        let cap = softcap ?? 0

        for r0 in stride(from: 0, to: n, by: chunkRows) {
            let rows = min(chunkRows, n - r0)
            // (row within chunk, token) pairs; each tile fills in the logits of its own tokens.
            let pairs = targets[r0..<(r0 + rows)].reduce(0) { $0 + $1.count }
            let pairRow = UnsafeMutableBufferPointer<Int32>.allocate(capacity: max(1, pairs))
            let pairToken = UnsafeMutableBufferPointer<Int32>.allocate(capacity: max(1, pairs))
            let pairLogits = UnsafeMutableBufferPointer<Float>.allocate(capacity: max(1, pairs))
            let maxes = UnsafeMutableBufferPointer<Float>.allocate(capacity: tiles * rows)
            let args = UnsafeMutableBufferPointer<Int32>.allocate(capacity: tiles * rows)
            let sums = UnsafeMutableBufferPointer<Double>.allocate(capacity: tiles * rows)
            defer { [pairRow, pairToken, args].forEach { $0.deallocate() }; [pairLogits, maxes].forEach { $0.deallocate() }; sums.deallocate() }
            var p = 0
            for r in 0..<rows { for t in targets[r0 + r] { pairRow[p] = Int32(r); pairToken[p] = t; p += 1 } }
            let mp = SendablePointer(pointer: maxes.baseAddress!), ap = SendablePointer(pointer: args.baseAddress!)
            let sp = SendablePointer(pointer: sums.baseAddress!), lp = SendablePointer(pointer: pairLogits.baseAddress!)
            let prp = SendablePointer(pointer: pairRow.baseAddress!), ptp = SendablePointer(pointer: pairToken.baseAddress!)
            let xp = SendablePointer(pointer: x.storage + r0 * cols)
            parallel(tileRanges.count) { worker in
                let panel = scratch[worker].pointer, logits = panel + panelFloats
                for tile in tileRanges[worker] {
                    let c0 = tile * width, c1 = min(vocab, c0 + width)
                    // Distinct tiles write distinct token logits (a token lies in one tile).
                    _ = tk_output_head_tile(type, base.pointer, Int64(cols), rowBytes, xp.pointer, Int64(rows), Int64(cols),
                                            Int64(c0), Int64(c1), cap, logits, panel, level,
                                            mp.pointer + tile * rows, ap.pointer + tile * rows, sp.pointer + tile * rows,
                                            prp.pointer, ptp.pointer, Int64(pairs), lp.pointer)
                }
            }
            lse.withUnsafeMutableBufferPointer { l in
                argmax.withUnsafeMutableBufferPointer { a in
                    tk_logit_merge_stats(maxes.baseAddress!, args.baseAddress!, sums.baseAddress!, Int64(tiles), Int64(rows),
                                         l.baseAddress! + r0, a.baseAddress! + r0)
                }
            }
            p = 0
            for r in 0..<rows { for i in targets[r0 + r].indices { targetLogits[r0 + r][i] = pairLogits[p]; p += 1 } }
        }
        return LogSoftmaxSummary(logSumExp: lse, argmax: argmax, targetLogits: targetLogits)
    }
}
