import Testing
import TKKernels

/// quantize → dequantize on seeded random rows, with error bounds derived from each format.
///
/// Scales are stored as halves, so besides the rounding of the quants themselves each bound
/// allows for the half rounding of d (relative 2^-11) and of m: a generous 2^-10 of the block's
/// largest magnitude.
@Suite struct QuantRoundTripTests {
    private static let rows: [[Float]] = {
        var rng = QuantRNG(seed: 7)
        var rows = (0..<24).map { _ in rng.weights(512) }
        rows.append((0..<512).map { Float($0 % 37) - 11 })              // lopsided, integer-valued
        rows.append((0..<512).map { $0 % 97 == 0 ? 50 : Float($0 % 5) * 0.001 }) // outliers
        return rows
    }()

    private func blocks(_ row: [Float], _ size: Int) -> [ArraySlice<Float>] {
        stride(from: 0, to: row.count, by: size).map { row[$0..<($0 + size)] }
    }

    private func amax(_ block: ArraySlice<Float>) -> Float { block.map(abs).max() ?? 0 }

    @Test func q8_0ErrorIsAtMostHalfAStep() {
        var violations: [String] = []
        for row in Self.rows {
            let bytes = Quantization.quantize(row, format: .q8_0)
            let back = Quantization.dequantize(bytes, format: .q8_0, count: row.count)
            for (b, block) in blocks(row, 32).enumerated() {
                let d = abs(QuantTestData.half(bytes, b * 34))
                let bound = d / 2 + amax(block) * 0x1p-10
                for i in block.indices where abs(back[i] - row[i]) > bound { violations.append("\(row[i]) → \(back[i])") }
            }
        }
        #expect(violations.isEmpty, "\(violations.count) elements over the bound, e.g. \(violations.prefix(3))")
    }

    @Test func q4_0AndQ5_0ErrorIsAtMostOneStep() {
        // Symmetric formats: d = max / -8 (or -16) puts the largest magnitude on the extreme level
        // -8d (-16d); the other extreme is only 7d (15d), so values near -max clamp: at most one step.
        var violations: [String] = []
        for (format, blockBytes) in [(WeightFormat.q4_0, 18), (.q5_0, 22)] {
            for row in Self.rows {
                let bytes = Quantization.quantize(row, format: format)
                let back = Quantization.dequantize(bytes, format: format, count: row.count)
                for (b, block) in blocks(row, 32).enumerated() {
                    let d = abs(QuantTestData.half(bytes, b * blockBytes))
                    let bound = d + amax(block) * 0x1p-10
                    for i in block.indices where abs(back[i] - row[i]) > bound {
                        violations.append("\(format) \(row[i]) → \(back[i])")
                    }
                }
            }
        }
        #expect(violations.isEmpty, "\(violations.count) elements over the bound, e.g. \(violations.prefix(3))")
    }

    @Test func q4_1AndQ5_1ErrorIsAtMostHalfAStep() {
        var violations: [String] = []
        for (format, blockBytes) in [(WeightFormat.q4_1, 20), (.q5_1, 24)] {
            for row in Self.rows {
                let bytes = Quantization.quantize(row, format: format)
                let back = Quantization.dequantize(bytes, format: format, count: row.count)
                for (b, block) in blocks(row, 32).enumerated() {
                    let d = abs(QuantTestData.half(bytes, b * blockBytes))
                    let bound = d / 2 + amax(block) * 0x1p-10
                    for i in block.indices where abs(back[i] - row[i]) > bound {
                        violations.append("\(format) \(row[i]) → \(back[i])")
                    }
                }
            }
        }
        #expect(violations.isEmpty, "\(violations.count) elements over the bound, e.g. \(violations.prefix(3))")
    }

    /// ggml's K quantisers finish by re-quantising every element against the final (half-rounded)
    /// scales, so each element must decode to the representable level of its sub-block nearest to
    /// it. The levels are rebuilt here from the block bytes via the format description.
    @Test(arguments: [WeightFormat.q4_K, .q5_K, .q6_K])
    func kFormatsPickTheNearestRepresentableLevel(format: WeightFormat) {
        var offGrid: [Int] = [], notNearest: [Int] = []
        for (r, row) in Self.rows.enumerated() {
            let bytes = Quantization.quantize(row, format: format)
            let back = Quantization.dequantize(bytes, format: format, count: row.count)
            for b in 0..<(row.count / 256) {
                let base = b * format.bytesPerBlock
                let levels: [[Float]]  // per element group: the values it may decode to
                let groupSize: Int
                if format == .q6_K {
                    let d = QuantTestData.half(bytes, base + 208)
                    groupSize = 16
                    levels = (0..<16).map { g in
                        let sc = Float(Int8(bitPattern: bytes[base + 192 + g]))
                        return (0..<64).map { d * sc * Float($0 - 32) }
                    }
                } else {
                    let d = QuantTestData.half(bytes, base), dmin = QuantTestData.half(bytes, base + 2)
                    let nmax = format == .q4_K ? 15 : 31
                    groupSize = 32
                    levels = (0..<8).map { j in
                        let (sc, m) = QuantTestData.kScaleMin(bytes[(base + 4)..<(base + 16)], j)
                        return (0...nmax).map { d * Float(sc) * Float($0) - dmin * Float(m) }
                    }
                }
                let blockMax = amax(row[(b * 256)..<(b * 256 + 256)])
                for e in 0..<256 {
                    let i = b * 256 + e
                    let options = levels[e / groupSize]
                    if !options.contains(back[i]) { offGrid.append(r * 1000 + i) }
                    let best = options.map { abs($0 - row[i]) }.min()!
                    if abs(back[i] - row[i]) > best + blockMax * 1e-6 { notNearest.append(r * 1000 + i) }
                }
            }
        }
        #expect(offGrid.isEmpty, "\(format): \(offGrid.count) elements decode off the level grid (row*1000+index: \(offGrid.prefix(5)))")
        #expect(notNearest.isEmpty, "\(format): \(notNearest.count) elements not on the nearest level (\(notNearest.prefix(5)))")
    }

    @Test(arguments: [(WeightFormat.q4_K, Float(0.10)), (.q5_K, 0.05), (.q6_K, 0.025), (.q8_0, 0.008), (.q4_0, 0.12), (.q4_1, 0.11), (.q5_0, 0.06), (.q5_1, 0.055)])
    func relativeRMSErrorOnGaussianRows(format: WeightFormat, bound: Float) {
        // Typical values for normal weights are about two thirds of these bounds.
        var rng = QuantRNG(seed: UInt64(format.rawValue) + 100)
        for _ in 0..<8 {
            let row = rng.weights(1024)
            let back = Quantization.dequantize(Quantization.quantize(row, format: format), format: format, count: row.count)
            let err = zip(row, back).reduce(Float(0)) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
            let norm = row.reduce(Float(0)) { $0 + $1 * $1 }
            #expect((err / norm).squareRoot() <= bound, "\(format)")
        }
    }

    @Test(arguments: WeightFormat.allCases)
    func zeroAndConstantRowsSurvive(format: WeightFormat) {
        let n = 512
        #expect(Quantization.dequantize(Quantization.quantize([Float](repeating: 0, count: n), format: format),
                                        format: format, count: n) == [Float](repeating: 0, count: n))
        let constant = [Float](repeating: 0.75, count: n)
        let back = Quantization.dequantize(Quantization.quantize(constant, format: format), format: format, count: n)
        // The symmetric 4/5-bit formats put 0.75 on their extreme level -8d (-16d) with d = -0.75/8
        // (/16) rounded to half; the others reach 0.75 through a half-rounded scale or are exact.
        let tolerance: Float = 0.75 * 0x1p-10
        #expect(back.allSatisfy { abs($0 - 0.75) <= tolerance }, "\(format)")
    }

    @Test func f16EncodingMatchesSwiftFloat16RoundingAndPortableCode() {
        var rng = QuantRNG(seed: 11)
        var values: [Float] = (0..<20_000).map { _ in Float(bitPattern: UInt32.random(in: 0...UInt32.max, using: &rng)) }
        values += [65504, 65519.996, 65520, -65520, 0x1p-25, 0x1.000002p-25, 0x1.8p-24, 0x1p-14, 0x1.ffcp-15,
                   1 + 0x1p-11, 1 + 0x3p-11, .infinity, -.infinity, -0.0, .nan, .leastNonzeroMagnitude]
        let encoded = Quantization.quantize(values, format: .f16)
        var bad: [UInt32] = []
        for (i, v) in values.enumerated() {
            let bits = UInt16(encoded[2 * i]) | UInt16(encoded[2 * i + 1]) << 8
            var ok = bits == Quantization.halfBits(v, portable: true)
            #if !(os(macOS) && arch(x86_64))
            ok = ok && (v.isNaN ? Float16(bitPattern: bits).isNaN : bits == Float16(v).bitPattern)
            #endif
            if !ok { bad.append(v.bitPattern) }
        }
        #expect(bad.isEmpty, "\(bad.count) floats encode differently (bit patterns \(bad.prefix(5)))")
    }

    @Test func bf16RoundsToNearestEvenAndKeepsNaN() {
        var rng = QuantRNG(seed: 12)
        let values = (0..<4096).map { _ in rng.gaussian() * 1000 } + [.infinity, -0.0, .nan]
        let back = Quantization.dequantize(Quantization.quantize(values, format: .bf16), format: .bf16, count: values.count)
        var bad: [Float] = []
        for (v, b) in zip(values, back) {
            if v.isNaN { if !b.isNaN { bad.append(v) }; continue }
            if v.isInfinite { if b != v { bad.append(v) }; continue }
            // Round to nearest even on the dropped 16 bits; never more than half a bf16 ulp away.
            let low = v.bitPattern & 0xFFFF, kept = v.bitPattern >> 16
            let up = low > 0x8000 || (low == 0x8000 && kept & 1 == 1)
            if b.bitPattern != (kept + (up ? 1 : 0)) << 16 || abs(v - b) > abs(v) * 0x1p-8 { bad.append(v) }
        }
        #expect(bad.isEmpty, "\(bad.count) values round wrongly, e.g. \(bad.prefix(3))")
    }
}
