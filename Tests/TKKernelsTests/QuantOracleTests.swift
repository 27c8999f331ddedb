import Foundation
import Testing
import TKKernels

/// Kernels against gguf-py, an independent implementation of the same formats.
///
/// The fixture (Fixtures/quant_oracle.json, made by scripts/quant/make_fixture.py) holds seeded
/// random blocks of all 11 formats decoded by `gguf.quants.dequantize`, and float rows encoded by
/// `gguf.quants.quantize` for the formats gguf-py can encode.
///
/// Tolerance: exact, for every format. Both sides evaluate ggml's expressions in float32 in the
/// same order (q*d, then + m; (d*sc)*q, then - dmin*m), and every product of a half scale
/// (11 significant bits) with a quant (≤ 6 bits) or K sub-scale (≤ 8 bits) is exact in float32,
/// so each output is one correctly rounded operation with nothing left to differ; a 1e-6
/// relative allowance would only hide a wrong operation order. The one exception is NaN
/// payloads from F16: numpy keeps a signalling NaN signalling, F16C quietens it, so NaN only has
/// to stay NaN.
@Suite struct QuantOracleTests {
    private struct Fixture: Decodable {
        struct Decode: Decodable { let type: UInt32; let name: String; let count: Int; let bytes: String; let expected: String }
        struct Encode: Decodable { let type: UInt32; let name: String; let count: Int; let input: String; let expected: String }
        let dequantize: [Decode]
        let quantize: [Encode]
    }

    private static let fixture: Fixture = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/quant_oracle.json")
        do {
            return try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url))
        } catch {
            fatalError("cannot read \(url.path): \(error); regenerate with scripts/quant/make_fixture.py")
        }
    }()

    @Test(arguments: WeightFormat.allCases)
    func dequantizeMatchesGGUFPy(format: WeightFormat) throws {
        let cases = Self.fixture.dequantize.filter { $0.type == format.rawValue }
        #expect(!cases.isEmpty, "fixture has no \(format) blocks")
        for c in cases {
            let bytes = QuantTestData.bytes(hex: c.bytes)
            let expected = QuantTestData.floats(QuantTestData.bytes(hex: c.expected))
            try #require(expected.count == c.count)
            for (path, got) in [("fast", Quantization.dequantize(bytes, format: format, count: c.count)),
                                ("portable", Quantization.dequantizePortable(bytes, format: format, count: c.count))] {
                let bad = (0..<c.count).filter { !QuantTestData.sameFloat(got[$0], expected[$0]) }
                #expect(bad.isEmpty, "\(format) \(path): \(bad.count) of \(c.count) differ, first at \(bad.first ?? -1): \(bad.first.map { "\(got[$0]) vs \(expected[$0])" } ?? "")")
            }
        }
    }

    @Test(arguments: [WeightFormat.f16, .bf16, .q4_0, .q4_1, .q5_0, .q5_1, .q8_0])
    func quantizeMatchesGGUFPyBitForBit(format: WeightFormat) throws {
        let cases = Self.fixture.quantize.filter { $0.type == format.rawValue }
        #expect(!cases.isEmpty, "fixture has no \(format) encodings")
        for c in cases {
            let input = QuantTestData.floats(QuantTestData.bytes(hex: c.input))
            try #require(input.count == c.count)
            let got = Quantization.quantize(input, format: format)
            let expected = QuantTestData.bytes(hex: c.expected)
            let bad = zip(got, expected).enumerated().filter { $0.element.0 != $0.element.1 }.map(\.offset)
            #expect(got.count == expected.count && bad.isEmpty,
                    "\(format): \(bad.count) bytes differ, first at \(bad.first ?? -1) (block \((bad.first ?? 0) / format.bytesPerBlock))")
        }
    }
}
