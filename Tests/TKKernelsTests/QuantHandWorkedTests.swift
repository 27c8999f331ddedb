import Testing
import TKKernels

/// Blocks built by hand from the format descriptions, with the expected values worked out here
/// from the same descriptions (not from the C code). Every expected value below is a single
/// correctly rounded float operation away from exact, so the comparisons are exact.
@Suite struct QuantHandWorkedTests {
    private func halfBytes(_ value: Float) -> [UInt8] {
        let bits = Quantization.halfBits(value)
        return [UInt8(bits & 0xFF), UInt8(bits >> 8)]
    }

    @Test func q4_1HalfStepsFromMinusOne() {
        // d = 0.5, m = -1; byte j holds nibble j (element j) and 15 - j (element j + 16).
        let qs: [UInt8] = (0..<16).map { (j: Int) -> UInt8 in UInt8(j | (15 - j) << 4) }
        let block: [UInt8] = halfBytes(0.5) + halfBytes(-1) + qs
        let low: [Float] = (0..<16).map { (j: Int) -> Float in Float(j) * 0.5 - 1 }
        let high: [Float] = (0..<16).map { (j: Int) -> Float in Float(15 - j) * 0.5 - 1 }
        let expected = low + high
        #expect(Quantization.dequantize(block, format: .q4_1, count: 32) == expected)
        #expect(expected[0] == -1 && expected[15] == 6.5 && expected[16] == 6.5 && expected[31] == -1)
    }

    @Test func q4_0CentresNibblesOnEight() {
        // d = -0.25; low nibble j, high nibble (j + 3) mod 16.
        let qs: [UInt8] = (0..<16).map { (j: Int) -> UInt8 in UInt8(j | ((j + 3) % 16) << 4) }
        let block: [UInt8] = halfBytes(-0.25) + qs
        let low: [Float] = (0..<16).map { (j: Int) -> Float in Float(j - 8) * -0.25 }
        let high: [Float] = (0..<16).map { (j: Int) -> Float in Float((j + 3) % 16 - 8) * -0.25 }
        let expected = low + high
        #expect(Quantization.dequantize(block, format: .q4_0, count: 32) == expected)
        #expect(expected[0] == 2 && expected[8] == 0)
    }

    @Test func q8_0IsSignedBytesTimesScale() {
        let q = (0..<32).map { Int8(truncatingIfNeeded: $0 * 8 - 128) } // -128, -120, …, 120
        let block = halfBytes(0.125) + q.map { UInt8(bitPattern: $0) }
        #expect(Quantization.dequantize(block, format: .q8_0, count: 32) == q.map { Float($0) * 0.125 })
    }

    @Test func q5FormatsTakeBitIOfQhAsBitFourOfElementI() {
        let qh: UInt32 = 0xF00F_A5A5
        let qhBytes = (0..<4).map { UInt8(truncatingIfNeeded: qh >> (8 * $0)) }
        let nibbles = (0..<16).map { UInt8($0 | (15 - $0) << 4) }
        let q5 = (0..<32).map { i -> Int in
            let low = i < 16 ? i : 15 - (i - 16)
            return low | Int((qh >> i) & 1) << 4
        }
        let q5_0 = halfBytes(0.5) + qhBytes + nibbles
        #expect(Quantization.dequantize(q5_0, format: .q5_0, count: 32) == q5.map { Float($0 - 16) * 0.5 })
        let q5_1 = halfBytes(0.25) + halfBytes(2) + qhBytes + nibbles
        #expect(Quantization.dequantize(q5_1, format: .q5_1, count: 32) == q5.map { Float($0) * 0.25 + 2 })
    }

    /// Packs eight 6-bit scales and mins as the Q4_K/Q5_K description says (see
    /// `QuantTestData.kScaleMin` for the reading side).
    private func packK4(scales sc: [Int], mins m: [Int]) -> [UInt8] {
        var s = [UInt8](repeating: 0, count: 12)
        for j in 0..<4 {
            s[j] = UInt8(sc[j] & 63 | (sc[j + 4] >> 4) << 6)
            s[j + 4] = UInt8(m[j] & 63 | (m[j + 4] >> 4) << 6)
            s[j + 8] = UInt8(sc[j + 4] & 0xF | (m[j + 4] & 0xF) << 4)
        }
        return s
    }

    private let kScales = [1, 2, 3, 4, 33, 47, 63, 10]
    private let kMins = [0, 5, 7, 63, 1, 32, 17, 60]

    @Test func q4_KUsesSixBitScalesAndMinsPerSubBlock() {
        let d: Float = 0.5, dmin: Float = 0.25
        // Element 64g + l is the low nibble of qs[32g + l]; element 64g + 32 + l its high nibble.
        let q = (0..<256).map { ($0 * 7 + $0 / 32) % 16 }
        var qs = [UInt8](repeating: 0, count: 128)
        for g in 0..<4 {
            for l in 0..<32 { qs[32 * g + l] = UInt8(q[64 * g + l] | q[64 * g + 32 + l] << 4) }
        }
        let block = halfBytes(d) + halfBytes(dmin) + packK4(scales: kScales, mins: kMins) + qs
        #expect(block.count == WeightFormat.q4_K.bytesPerBlock)
        let expected = (0..<256).map { e in d * Float(kScales[e / 32]) * Float(q[e]) - dmin * Float(kMins[e / 32]) }
        #expect(Quantization.dequantize(block, format: .q4_K, count: 256) == expected)
        // The packing helper and the spec-level reader agree.
        let packed = packK4(scales: kScales, mins: kMins)
        for j in 0..<8 { #expect(QuantTestData.kScaleMin(packed[...], j) == (kScales[j], kMins[j])) }
    }

    @Test func q5_KAddsBitFromQhPerSubBlockPair() {
        let d: Float = 0.125, dmin: Float = 0.5
        let q = (0..<256).map { ($0 * 11 + 3) % 32 }
        var qs = [UInt8](repeating: 0, count: 128), qh = [UInt8](repeating: 0, count: 32)
        for g in 0..<4 {
            for l in 0..<32 {
                let a = q[64 * g + l], b = q[64 * g + 32 + l]
                qs[32 * g + l] = UInt8(a & 0xF | (b & 0xF) << 4)
                qh[l] |= UInt8((a >> 4) << (2 * g) | (b >> 4) << (2 * g + 1))
            }
        }
        let block = halfBytes(d) + halfBytes(dmin) + packK4(scales: kScales, mins: kMins) + qh + qs
        #expect(block.count == WeightFormat.q5_K.bytesPerBlock)
        let expected = (0..<256).map { e in d * Float(kScales[e / 32]) * Float(q[e]) - dmin * Float(kMins[e / 32]) }
        #expect(Quantization.dequantize(block, format: .q5_K, count: 256) == expected)
    }

    @Test func q6_KSplitsSixBitsAcrossQlAndQh() {
        let d: Float = 0.0625
        let scales: [Int8] = [-128, -7, 1, 127, 3, -1, 64, 2, 9, -33, 5, 0, 12, -64, 100, 1]
        let q = (0..<256).map { ($0 * 13 + $0 / 16) % 64 }  // 0…63, stored value q, decoded q - 32
        var ql = [UInt8](repeating: 0, count: 128), qh = [UInt8](repeating: 0, count: 64)
        for e in 0..<256 {
            let half = e / 128, k = e % 128, quadrant = k / 32, l = k % 32
            let qlIndex = 64 * half + (quadrant % 2 == 0 ? l : 32 + l)
            ql[qlIndex] |= UInt8((q[e] & 0xF) << (quadrant < 2 ? 0 : 4))
            qh[32 * half + l] |= UInt8((q[e] >> 4) << (2 * quadrant))
        }
        let block = ql + qh + scales.map { UInt8(bitPattern: $0) } + halfBytes(d)
        #expect(block.count == WeightFormat.q6_K.bytesPerBlock)
        let expected = (0..<256).map { e in d * Float(scales[e / 16]) * Float(q[e] - 32) }
        #expect(Quantization.dequantize(block, format: .q6_K, count: 256) == expected)
    }

    @Test func f16SpecialValues() {
        let cases: [(UInt16, Float)] = [
            (0x0000, 0), (0x3C00, 1), (0xC000, -2), (0x7BFF, 65504), (0x0400, 0x1p-14),
            (0x0001, 0x1p-24), (0x03FF, 1023 * 0x1p-24), (0x8001, -0x1p-24),
            (0x7C00, .infinity), (0xFC00, -.infinity), (0x3555, 0x1.554p-2),
        ]
        let bytes = cases.flatMap { [UInt8($0.0 & 0xFF), UInt8($0.0 >> 8)] }
        let got = Quantization.dequantize(bytes, format: .f16, count: cases.count)
        #expect(got == cases.map(\.1))
        let negativeZero = Quantization.dequantize([0x00, 0x80], format: .f16, count: 1)[0]
        #expect(negativeZero == 0 && negativeZero.sign == .minus)
        let nan = Quantization.dequantize([0x01, 0x7C, 0x00, 0xFE], format: .f16, count: 2)
        #expect(nan[0].isNaN && nan[1].isNaN && nan[1].sign == .minus)
    }

    @Test func bf16IsTheTopHalfOfAFloat() {
        let got = Quantization.dequantize([0x80, 0x3F, 0x40, 0xC0, 0x80, 0x7F, 0x01, 0x00], format: .bf16, count: 4)
        #expect(got == [1, -3, .infinity, Float(bitPattern: 0x0001_0000)])
    }
}
