import Testing
import TKKernels

/// The opt-in 8-bit-activation kernels (fast decode): SIMD against the portable loop, exactness
/// when the activations need no rounding, and the error bound the quantisation implies otherwise.
@Suite struct Int8ActivationTests {
    static let formats: [WeightFormat] = [.q4_0, .q4_1, .q8_0]

    /// Exact dot product of the decoded weights with `x`, in double.
    static func exactDot(_ row: [UInt8], _ format: WeightFormat, _ x: [Float]) -> Double {
        let w = Quantization.dequantize(row, format: format, count: x.count)
        return zip(w, x).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
    }

    @Test(arguments: formats)
    func simdMatchesPortable(format: WeightFormat) {
        #expect(Quantization.supportsInt8Activations(format))
        var rng = QuantRNG(seed: 500 + UInt64(format.rawValue))
        for blocks in [1, 2, 3, 18, 48] {
            let row = QuantTestData.randomBlocks(format, blocks: blocks, rng: &rng)
            let x = rng.weights(blocks * 32)
            let fast = Quantization.dotInt8Activations(row: row, format: format, x: x)
            let portable = Quantization.dotInt8Activations(row: row, format: format, x: x, portable: true)
            let scale = zip(Quantization.dequantize(row, format: format, count: x.count), x).reduce(Float(0)) { $0 + abs($1.0 * $1.1) }
            #expect(abs(fast - portable) <= 1e-5 * max(scale, 1e-30), "\(format) \(blocks) blocks: \(fast) vs \(portable)")
        }
    }

    @Test(arguments: formats)
    func activationsOnTheGridAreExact(format: WeightFormat) {
        // x = k·s with integers |k| ≤ 127 and one |k| = 127 per block: quantisation is lossless,
        // so only float rounding separates the kernel from the exact product.
        var rng = QuantRNG(seed: 900 + UInt64(format.rawValue))
        let blocks = 18
        let weights = rng.weights(blocks * 32)
        let row = Quantization.quantize(weights, format: format)
        var x: [Float] = []
        for b in 0..<blocks {
            let s = Float(b + 1) / 64
            for i in 0..<32 {
                let k = i == 5 ? (b % 2 == 0 ? 127 : -127) : Int(rng.next() % 255) - 127
                x.append(Float(k) * s)
            }
        }
        let exact = Self.exactDot(row, format, x)
        let scale = zip(Quantization.dequantize(row, format: format, count: x.count), x).reduce(0.0) { $0 + abs(Double($1.0) * Double($1.1)) }
        for portable in [false, true] {
            let got = Quantization.dotInt8Activations(row: row, format: format, x: x, portable: portable)
            #expect(abs(Double(got) - exact) <= 2e-6 * scale, "\(format) portable=\(portable): \(got) vs \(exact)")
        }
    }

    @Test(arguments: formats)
    func errorStaysWithinTheQuantisationBound(format: WeightFormat) {
        // Each activation moves by at most half a step, max|x_block|/254, so the product moves by
        // at most Σ_blocks (Σ|w|)·max|x|/254.
        var rng = QuantRNG(seed: 1300 + UInt64(format.rawValue))
        for _ in 0..<20 {
            let blocks = 18
            let row = QuantTestData.randomBlocks(format, blocks: blocks, rng: &rng)
            let x = rng.weights(blocks * 32)
            let w = Quantization.dequantize(row, format: format, count: x.count)
            var bound = 0.0, scale = 0.0
            for b in 0..<blocks {
                let r = (b * 32)..<(b * 32 + 32)
                let amax = r.map { Double(abs(x[$0])) }.max()!
                bound += r.reduce(0.0) { $0 + Double(abs(w[$1])) } * amax / 254
                scale += r.reduce(0.0) { $0 + abs(Double(w[$1]) * Double(x[$1])) }
            }
            let got = Double(Quantization.dotInt8Activations(row: row, format: format, x: x))
            let exact = Self.exactDot(row, format, x)
            #expect(abs(got - exact) <= bound + 1e-5 * scale, "\(format): error \(abs(got - exact)) over bound \(bound)")
        }
    }
}
