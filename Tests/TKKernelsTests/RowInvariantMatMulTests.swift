import Foundation
import Testing
import TKKernels

/// The row-invariant product and the fused output head: every ISA path the machine runs against
/// the summation order they promise (written out below in Swift, independently of the C code) and
/// against a double-precision product, on every weight format and on shapes that are not multiples
/// of the kernels' tiles; a row alone equals the same row in any batch, bit for bit.
@Suite struct RowInvariantMatMulTests {
    /// Every ISA path this machine can run (TRUTHKIT_ISA lowers `KernelSystem.isa`; the lower paths
    /// are always run here, so CI on any x86-64 machine covers each path it can execute).
    static var paths: [KernelISA] { KernelISA.allCases.filter { $0 <= KernelSystem.isa } }

    /// A quantised matrix of `rows × cols` random weights (row scales 2^[-8, 4)), mapped from a
    /// temporary file as model weights are. Also returns the decoded weights.
    static func matrix(_ format: WeightFormat, rows: Int, cols: Int, seed: UInt64) throws -> (QuantizedMatrix, [[Float]]) {
        var rng = QuantRNG(seed: seed)
        var bytes: [UInt8] = []
        var decoded: [[Float]] = []
        for _ in 0..<rows {
            let row = Quantization.quantize(rng.weights(cols), format: format)
            decoded.append(Quantization.dequantize(row, format: format, count: cols))
            bytes += row
        }
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("rowgemm-\(UUID().uuidString).bin")
        try Data(bytes).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        let file = try MappedFile(path: url.path)
        return (QuantizedMatrix(file: file, offset: 0, format: format, rows: rows, cols: cols), decoded)
    }

    static func activations(rows: Int, cols: Int, seed: UInt64) -> FloatMatrix {
        var rng = QuantRNG(seed: seed)
        return FloatMatrix(rows: rows, cols: cols, values: (0..<(rows * cols)).map { _ in rng.gaussian() })
    }

    /// The promised order for one element: 16 partial sums, element k into partial k mod 16 by a
    /// fused multiply-add (k ascending), then ((p[i] + p[i+8]) + …) as a fixed pairwise tree.
    static func specifiedDot(_ w: [Float], _ x: [Float]) -> Float {
        var p = [Float](repeating: 0, count: 16)
        for k in w.indices { p[k % 16] = p[k % 16].addingProduct(w[k], x[k]) }
        for half in [8, 4, 2, 1] { for i in 0..<half { p[i] = p[i] + p[i + half] } }
        return p[0]
    }

    /// (format, cols): every format at a width that is a whole number of its blocks and, for the
    /// float formats, a width that is not a multiple of the 16-lane tile.
    static let shapes: [(WeightFormat, Int)] = [
        (.f32, 40), (.f32, 64), (.f16, 48), (.bf16, 37), (.q4_0, 96), (.q4_1, 64), (.q5_0, 32), (.q5_1, 96),
        (.q8_0, 160), (.q4_K, 256), (.q5_K, 512), (.q6_K, 256),
    ]

    @Test(arguments: shapes)
    func everyPathFollowsTheSpecifiedOrderAndMatchesDouble(format: WeightFormat, cols: Int) throws {
        let rows = 37  // not a multiple of the 16-row panel nor of the 4- and 2-row register blocks
        let (w, decoded) = try Self.matrix(format, rows: rows, cols: cols, seed: 70 + UInt64(format.rawValue))
        let x = Self.activations(rows: 70, cols: cols, seed: 3)  // 70 rows: past the 64-row chunk, not a multiple of 3 or 4
        let context = ComputeContext(threads: 2)
        for isa in Self.paths {
            let y = FloatMatrix(rows: 0, cols: rows)
            context.rowInvariantMatmul(x, w, into: y, isa: isa)
            for t in 0..<x.rows {
                let xt = x.row(t)
                for r in 0..<rows {
                    let got = y[t, r]
                    #expect(got.bitPattern == Self.specifiedDot(decoded[r], xt).bitPattern, "\(format) \(isa) row \(t) col \(r)")
                    // Float rounding of a cols-term sum is at most cols·2⁻²⁴·Σ|w·x| (γ bound).
                    let exact = zip(decoded[r], xt).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
                    let magnitude = zip(decoded[r], xt).reduce(0.0) { $0 + abs(Double($1.0) * Double($1.1)) }
                    #expect(abs(Double(got) - exact) <= Double(cols) * 0x1p-24 * magnitude + 1e-30, "\(format) \(isa): \(got) vs \(exact)")
                }
            }
        }
    }

    @Test(arguments: [WeightFormat.q4_1, .q8_0, .q6_K])
    func aRowAloneEqualsTheSameRowInAnyBatch(format: WeightFormat) throws {
        let cols = format.blockSize == 256 ? 256 : 576
        let (w, _) = try Self.matrix(format, rows: 53, cols: cols, seed: 11)
        let x = Self.activations(rows: 131, cols: cols, seed: 12)
        for isa in Self.paths {
            for threads in [1, 2, 3] {
                let context = ComputeContext(threads: threads)
                let batch = FloatMatrix(rows: 0, cols: 53)
                context.rowInvariantMatmul(x, w, into: batch, isa: isa)
                for t in [0, 1, 63, 64, 65, 130] {
                    let alone = FloatMatrix(rows: 1, cols: cols, values: x.row(t))
                    let y = FloatMatrix(rows: 0, cols: 53)
                    context.rowInvariantMatmul(alone, w, into: y, isa: isa)
                    #expect(y.row(0).map(\.bitPattern) == batch.row(t).map(\.bitPattern), "\(format) \(isa) \(threads) threads row \(t)")
                }
            }
        }
    }

    @Test func everyPathGivesTheSameBits() throws {
        let (w, _) = try Self.matrix(.q4_1, rows: 100, cols: 576, seed: 21)
        let x = Self.activations(rows: 9, cols: 576, seed: 22)
        let context = ComputeContext(threads: 2)
        let results = Self.paths.map { isa in
            let y = FloatMatrix(rows: 0, cols: 100)
            context.rowInvariantMatmul(x, w, into: y, isa: isa)
            return y.values.map(\.bitPattern)
        }
        for r in results.dropFirst() { #expect(r == results[0]) }
    }
}

/// `logSoftmaxSummary`: the fused output head against the full logits of the same product.
@Suite struct LogSoftmaxSummaryTests {
    /// A vocabulary of 2,500: two whole 1,024-id tiles and a partial one.
    static let vocab = 2500, dim = 64

    @Test func matchesTheFullRowsBitForBitAndDoubleWithin1e6() throws {
        let (head, _) = try RowInvariantMatMulTests.matrix(.q8_0, rows: Self.vocab, cols: Self.dim, seed: 31)
        let x = RowInvariantMatMulTests.activations(rows: 19, cols: Self.dim, seed: 32)
        var rng = QuantRNG(seed: 33)
        let targets: [[Int32]] = (0..<19).map { r in r % 5 == 4 ? [] : (0..<(1 + r % 3)).map { _ in Int32(rng.next() % UInt64(Self.vocab)) } }
        let context = ComputeContext(threads: 2)
        for cap: Float? in [nil, 30] {
            for isa in RowInvariantMatMulTests.paths {
                let summary = context.logSoftmaxSummary(x, head: head, softcap: cap, targets: targets, isa: isa)
                let logits = FloatMatrix(rows: 0, cols: Self.vocab)
                context.rowInvariantMatmul(x, head, into: logits, isa: isa)
                if let cap { Elementwise.softcap(logits, cap: cap) }
                let lse = Elementwise.logSumExp(logits), argmax = Elementwise.argmax(logits)
                #expect(summary.logSumExp.map(\.bitPattern) == lse.map(\.bitPattern), "cap \(String(describing: cap)) \(isa)")
                #expect(summary.argmax == argmax)
                for r in 0..<19 {
                    let row = logits.row(r)
                    for (i, t) in targets[r].enumerated() { #expect(summary.targetLogits[r][i].bitPattern == row[Int(t)].bitPattern) }
                    // Independent check: log Σ exp in double from the row's maximum.
                    let m = Double(row.max()!)
                    let exact = m + Foundation.log(row.reduce(0.0) { $0 + Foundation.exp(Double($1) - m) })
                    #expect(abs(Double(summary.logSumExp[r]) - exact) <= 1e-6 * max(1, abs(exact)), "row \(r): \(summary.logSumExp[r]) vs \(exact)")
                    #expect(row[Int(argmax[r])] == row.max()!)
                }
            }
        }
    }

    @Test func rowsAloneEqualRowsInABatch() throws {
        let (head, _) = try RowInvariantMatMulTests.matrix(.q4_1, rows: Self.vocab, cols: Self.dim, seed: 41)
        let x = RowInvariantMatMulTests.activations(rows: 300, cols: Self.dim, seed: 42)  // past the 256-row chunk
        let targets: [[Int32]] = (0..<300).map { [Int32($0 * 7 % Self.vocab)] }
        let context = ComputeContext(threads: 2)
        let batch = context.logSoftmaxSummary(x, head: head, softcap: nil, targets: targets)
        for r in [0, 1, 255, 256, 299] {
            let alone = context.logSoftmaxSummary(FloatMatrix(rows: 1, cols: Self.dim, values: x.row(r)), head: head, softcap: nil,
                                                  targets: [targets[r]])
            #expect(alone.logSumExp[0].bitPattern == batch.logSumExp[r].bitPattern, "row \(r)")
            #expect(alone.targetLogits[0] == batch.targetLogits[r] && alone.argmax[0] == batch.argmax[r], "row \(r)")
        }
    }

    @Test func zeroActivationsGiveTheUniformDistribution() throws {
        // Hand-worked: every logit is 0, so log-sum-exp = ln(2500) = 7.824046010856292 and the
        // argmax is the lowest index, 0, on a 2,500-way tie spread over three tiles.
        let (head, _) = try RowInvariantMatMulTests.matrix(.q4_0, rows: Self.vocab, cols: Self.dim, seed: 51)
        let x = FloatMatrix(rows: 2, cols: Self.dim)
        let summary = ComputeContext(threads: 2).logSoftmaxSummary(x, head: head, softcap: nil, targets: [[2499], []])
        for r in 0..<2 {
            #expect(abs(Double(summary.logSumExp[r]) - 7.824046010856292) < 1e-6)
            #expect(summary.argmax[r] == 0)
        }
        #expect(summary.targetLogits[0] == [0])
    }

    @Test func tilesOfMinusInfinityAddNothing() {
        // DoLa's plausibility filter sets most logits to -inf, so whole tiles can be -inf. Hand-worked:
        // row 0 holds 0 at ids 5 and 2100 and -inf elsewhere (3 tiles of 1,024): log-sum-exp = ln 2;
        // row 1 holds -inf everywhere: log-sum-exp = -inf; row 2 is 1.5 at id 3000 only: 1.5.
        let vocab = 3000 + 7
        let m = FloatMatrix(rows: 3, cols: vocab, values: [Float](repeating: -.infinity, count: 3 * vocab))
        m[0, 5] = 0; m[0, 2100] = 0
        m[2, 3000] = 1.5
        let lse = Elementwise.logSumExp(m)
        #expect(abs(Double(lse[0]) - 0.6931471805599453) < 1e-6)
        #expect(lse[1] == -.infinity)
        #expect(lse[2] == 1.5)
    }
}
