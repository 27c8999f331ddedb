import Testing
import TKKernels

/// The AVX2/F16C kernels against the portable scalar code on the same inputs: bit-identical.
@Suite struct QuantSIMDTests {
    @Test(arguments: WeightFormat.allCases)
    func simdMatchesPortableOnRandomBlocks(format: WeightFormat) {
        var rng = QuantRNG(seed: 1000 + UInt64(format.rawValue))
        // Odd block counts hit the vector tails of the float formats.
        for blocks in [1, 2, 7, 33, 250] {
            let bytes = QuantTestData.randomBlocks(format, blocks: blocks, rng: &rng)
            let count = blocks * format.blockSize
            let fast = Quantization.dequantize(bytes, format: format, count: count)
            let portable = Quantization.dequantizePortable(bytes, format: format, count: count)
            let bad = (0..<count).filter { fast[$0].bitPattern != portable[$0].bitPattern }
            #expect(bad.isEmpty, "\(format), \(blocks) blocks: \(bad.count) differ, first at \(bad.first ?? -1)")
        }
    }

    @Test func everyHalfDecodesLikeSwiftFloat16() {
        let all = (0...UInt16.max).flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
        let row = Quantization.dequantize(all, format: .f16, count: 65536)
        var bad: [UInt16] = []
        for h in 0...UInt16.max {
            let fast = Quantization.floatFromHalf(h), portable = Quantization.floatFromHalf(h, portable: true)
            var ok = fast.bitPattern == portable.bitPattern && row[Int(h)].bitPattern == fast.bitPattern
            #if !(os(macOS) && arch(x86_64))
            let swift = Float(Float16(bitPattern: h))
            ok = ok && QuantTestData.sameFloat(fast, swift) && fast.sign == swift.sign
            #endif
            if !ok { bad.append(h) }
        }
        #expect(bad.isEmpty, "\(bad.count) halves decode differently, e.g. \(bad.prefix(5).map { String($0, radix: 16) })")
    }

    @Test(arguments: WeightFormat.allCases)
    func unalignedSourceDecodesTheSame(format: WeightFormat) {
        var rng = QuantRNG(seed: 77)
        let blocks = 3, count = blocks * format.blockSize
        let bytes = QuantTestData.randomBlocks(format, blocks: blocks, rng: &rng)
        let expected = Quantization.dequantize(bytes, format: format, count: count)
        for shift in 1...3 {
            let padded = [UInt8](repeating: 0xAA, count: shift) + bytes
            var out = [Float](repeating: 0, count: count)
            padded.withUnsafeBytes { raw in
                out.withUnsafeMutableBufferPointer { dst in
                    Quantization.dequantize(UnsafeRawBufferPointer(rebasing: raw[shift...]), format: format, into: dst)
                }
            }
            #expect(zip(out, expected).allSatisfy { $0.bitPattern == $1.bitPattern }, "\(format) at offset \(shift)")
        }
    }

    @Test func swiftGeometryMatchesTheCTables() {
        for format in WeightFormat.allCases {
            let c = Quantization.cGeometry(rawType: format.rawValue)
            #expect(c.blockSize == format.blockSize && c.bytesPerBlock == format.bytesPerBlock, "\(format)")
            #expect(format.byteCount(forElements: 4 * format.blockSize) == 4 * format.bytesPerBlock)
        }
        for unknown: UInt32 in [4, 5, 9, 10, 11, 15, 16, 39, 1000] {
            #expect(Quantization.cGeometry(rawType: unknown) == (0, 0), "type \(unknown)")
        }
    }
}
