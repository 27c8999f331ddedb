import TKRandom
import Foundation
import TKKernels

// Helpers shared by the Quant*Tests suites: a seeded generator, random blocks with sane scales,
// hex and float-bit utilities, and a spec-level reader of the K-format scales.

/// TKRandom's seeded generator, with the draws the quantisation tests need.
typealias QuantRNG = SplitMix64

extension SplitMix64 {
    /// Standard normal (Box–Muller).
    mutating func gaussian() -> Float {
        let u1 = Double.random(in: Double.ulpOfOne..<1, using: &self)
        let u2 = Double.random(in: 0..<1, using: &self)
        return Float((-2 * Foundation.log(u1)).squareRoot() * Foundation.cos(2 * Double.pi * u2))
    }

    /// `count` normal values times a row scale drawn from 2^[-8, 4).
    mutating func weights(_ count: Int) -> [Float] {
        let scale = Float(Foundation.pow(2.0, Double.random(in: -8..<4, using: &self)))
        return (0..<count).map { _ in gaussian() * scale }
    }
}

enum QuantTestData {
    /// Byte offsets of the half-float fields (d, m/dmin) inside one block of each format.
    static func halfFieldOffsets(_ format: WeightFormat) -> [Int] {
        switch format {
        case .f32, .f16, .bf16: []
        case .q4_0, .q5_0, .q8_0: [0]
        case .q4_1, .q5_1, .q4_K, .q5_K: [0, 2]
        case .q6_K: [208]
        }
    }

    /// `blocks` blocks of random bytes whose half fields hold finite values of magnitude
    /// 2^[-10, 2) with random sign (the float formats are left as raw random bits).
    static func randomBlocks(_ format: WeightFormat, blocks: Int, rng: inout QuantRNG) -> [UInt8] {
        var bytes = (0..<(blocks * format.bytesPerBlock)).map { _ in UInt8.random(in: 0...255, using: &rng) }
        for b in 0..<blocks {
            for offset in halfFieldOffsets(format) {
                let magnitude = Foundation.pow(2.0, Double.random(in: -10..<2, using: &rng))
                let value = Float(Bool.random(using: &rng) ? magnitude : -magnitude)
                let bits = Quantization.halfBits(value)
                bytes[b * format.bytesPerBlock + offset] = UInt8(bits & 0xFF)
                bytes[b * format.bytesPerBlock + offset + 1] = UInt8(bits >> 8)
            }
        }
        return bytes
    }

    static func bytes(hex: String) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(hex.utf8.count / 2)
        var high: UInt8?
        for c in hex.utf8 {
            let v: UInt8 = c <= 57 ? c - 48 : (c | 0x20) - 87
            if let h = high { out.append(h << 4 | v); high = nil } else { high = v }
        }
        return out
    }

    /// Little-endian float32s from raw bytes.
    static func floats(_ bytes: [UInt8]) -> [Float] {
        stride(from: 0, to: bytes.count, by: 4).map { i in
            Float(bitPattern: UInt32(bytes[i]) | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2]) << 16 | UInt32(bytes[i + 3]) << 24)
        }
    }

    static func littleEndianBytes(_ values: [Float]) -> [UInt8] {
        values.flatMap { v in (0..<4).map { UInt8(truncatingIfNeeded: v.bitPattern >> (8 * $0)) } }
    }

    static func half(_ bytes: [UInt8], _ offset: Int) -> Float {
        Quantization.floatFromHalf(UInt16(bytes[offset]) | UInt16(bytes[offset + 1]) << 8, portable: true)
    }

    /// Equal bit patterns, or both NaN (NaN payloads differ between numpy and F16C).
    static func sameFloat(_ a: Float, _ b: Float) -> Bool {
        a.bitPattern == b.bitPattern || (a.isNaN && b.isNaN)
    }

    /// The 6-bit scale and min of sub-block `j` of a Q4_K/Q5_K `scales[12]` field, read straight
    /// from the layout description (ggml's get_scale_min_k4): sub-blocks 0-3 keep scale and min in
    /// the low 6 bits of bytes j and j+4; sub-blocks 4-7 keep their low 4 bits in the nibbles of
    /// byte j+4 and their top 2 bits in the top bits of bytes j-4 (scale) and j (min).
    static func kScaleMin(_ scales: ArraySlice<UInt8>, _ j: Int) -> (scale: Int, min: Int) {
        let s = Array(scales)
        if j < 4 { return (Int(s[j] & 63), Int(s[j + 4] & 63)) }
        return (Int(s[j + 4] & 0xF) | Int(s[j - 4] >> 6) << 4, Int(s[j + 4] >> 4) | Int(s[j] >> 6) << 4)
    }
}
