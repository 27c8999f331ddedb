import Foundation
import Testing
import TKKernels
import TKRandom

/// The KV-cache formats' stored values, worked out by hand or with numpy, and KIVI attention held
/// to a naive loop written from the definition in `KVCacheFormat.KIVI`.
@Suite struct KVCacheFormatTests {
    @Test func kiviValuesArePerTokenMinMaxWithHalfToEvenCodes() {
        // Two tokens, group of 4 channels, 2 bits (levels 0…3).
        // Row 0: min 0, max 3, scale 1 → codes 0,1,2,3 → 0,1,2,3.
        // Row 1: min 1, max 7, scale 2; (x−1)/2 = 0, 0.5, 1.5, 3 → half to even 0, 0, 2, 3 → 1, 1, 5, 7.
        let m = FloatMatrix(rows: 2, cols: 4, values: [0, 0.9, 2.1, 3, 1, 2, 4, 7])
        KVCacheFormat.KIVI(bits: 2, group: 4, residual: 4).quantize(m, quantizedRows: 2, asKeys: false)
        #expect(m.row(0) == [0, 1, 2, 3])
        #expect(m.row(1) == [1, 1, 5, 7])
    }

    @Test func kiviKeysArePerChannelOverWholeGroupsOfTokens() {
        // Group of 2 tokens, 2 bits; rows 0–1 form one group, row 2 (not quantised) stays as is.
        // Column 0 over rows 0,1: 0 and 3 → unchanged (codes 0, 3). Column 1: 10, 10.5 → scale 1/6;
        // (10.5−10)/(1/6) = 3 → 10, 10.5. Column 2: 2, −1 → min −1, scale 1; codes 3, 0 → 2, −1.
        // A 4-bit column: −1, 14 → scale 1, codes 0, 15 → unchanged.
        let m = FloatMatrix(rows: 3, cols: 3, values: [0, 10, 2, 3, 10.5, -1, 9, 9, 9])
        KVCacheFormat.KIVI(bits: 2, group: 2, residual: 2).quantize(m, quantizedRows: 2, asKeys: true)
        #expect(m.row(0) == [0, 10, 2])
        #expect(m.row(1) == [3, 10.5, -1])
        #expect(m.row(2) == [9, 9, 9])
        // Values between the levels move to the nearest one. Group of 4 tokens, 2 bits, one
        // channel 0, 1.9, 2.9, 3: min 0, scale 1 → codes 0, 2, 3, 3.
        let three = FloatMatrix(rows: 4, cols: 1, values: [0, 1.9, 2.9, 3])
        KVCacheFormat.KIVI(bits: 2, group: 4, residual: 4).quantize(three, quantizedRows: 4, asKeys: true)
        #expect((0..<4).map { three[$0, 0] } == [0, 2, 3, 3])
    }

    @Test func q8_0AndF16StoreWhatLlamaCppStores() {
        // numpy (2.4, float32 throughout): x_i = float32(i − 10) · float32(0.37);
        // d = amax/127 = 0.061181102, stored as half 0.061187744; codes roundf(x/d) (half away from zero);
        // out = code · half(d): out[0] = −3.6712646, out[5] = −1.8356323, out[31] = 7.7708435.
        let x = (0..<32).map { Float($0 - 10) * Float(0.37) }
        let m = FloatMatrix(rows: 1, cols: 32, values: x)
        KVCacheFormat.q8_0.storeRows(m, 0..<1)
        #expect(m[0, 0] == -3.6712646 && m[0, 5] == -1.8356323 && m[0, 31] == 7.7708435)
        // numpy: float32(float16(1/3)) = 0.33325195.
        let h = FloatMatrix(rows: 1, cols: 2, values: [1.0 / 3, 2])
        KVCacheFormat.f16.storeRows(h, 0..<1)
        #expect(h.row(0) == [0.33325195, 2])
        let f = FloatMatrix(rows: 1, cols: 2, values: [1.0 / 3, 2])
        KVCacheFormat.f32.storeRows(f, 0..<1)
        #expect(f.row(0) == [1.0 / 3, 2])
    }

    @Test func bitsPerElementCountCodesAndScales() {
        #expect(KVCacheFormat.f32.bitsPerElement == 32)
        #expect(KVCacheFormat.q8_0.bitsPerElement == 8.5)  // 32 one-byte codes + a 2-byte scale
        #expect(KVCacheFormat(name: "kivi2")!.bitsPerElement == 3)  // 2 + (16 + 16)/32
        #expect(KVCacheFormat(name: "kivi4")!.bitsPerElement == 5)
        #expect(KVCacheFormat(name: "int3") == nil)
    }

    /// Naive KIVI attention for one sequence, from the definition: query p reads key row i
    /// quantised when i < ⌊p/R⌋·R and value row i quantised when i < p − R, where the quantised
    /// copies are those of the whole sequence (whole key groups only).
    private func naive(q: [[Float]], keys: [[Float]], values: [[Float]], prefix: Int, heads: Int, kvHeads: Int,
                       headDim: Int, kivi: KVCacheFormat.KIVI) -> [[Float]] {
        let total = keys.count
        let kq = FloatMatrix(rows: total, cols: keys[0].count, values: keys.flatMap { $0 })
        let vq = FloatMatrix(rows: total, cols: values[0].count, values: values.flatMap { $0 })
        kivi.quantize(kq, quantizedRows: total / kivi.group * kivi.group, asKeys: true)
        kivi.quantize(vq, quantizedRows: total, asKeys: false)
        var out: [[Float]] = []
        for (t, row) in q.enumerated() {
            let p = prefix + t
            var o = [Float](repeating: 0, count: heads * headDim)
            for h in 0..<heads {
                let g = h / (heads / kvHeads)
                var scores: [Double] = []
                for i in 0...p {
                    let k = i < kivi.keyQuantEnd(position: p) ? kq.row(i) : keys[i]
                    var d: Double = 0
                    for j in 0..<headDim { d += Double(row[h * headDim + j]) * Double(k[g * headDim + j]) }
                    scores.append(d / Double(headDim).squareRoot())
                }
                let mx = scores.max()!
                let e = scores.map { Foundation.exp($0 - mx) }
                let sum = e.reduce(0, +)
                for i in 0...p {
                    let v = i < kivi.valueQuantEnd(position: p) ? vq.row(i) : values[i]
                    for j in 0..<headDim { o[h * headDim + j] += Float(e[i] / sum) * v[g * headDim + j] }
                }
            }
            out.append(o)
        }
        return out
    }

    @Test func kiviAttentionMatchesTheNaiveDefinitionPerSegment() {
        var rng = SplitMix64(seed: 11)
        let heads = 4, kvHeads = 2, headDim = 8, prefix = 9
        // Groups of 4 (a group of 2 holds only its min and max, which 2 bits keep exactly).
        let kivi = KVCacheFormat.KIVI(bits: 2, group: 4, residual: 4)
        func rows(_ n: Int, _ cols: Int) -> [[Float]] { (0..<n).map { _ in (0..<cols).map { _ in Float(rng.unitInterval()) * 4 - 2 } } }
        let prefixKeys = rows(prefix, kvHeads * headDim), prefixValues = rows(prefix, kvHeads * headDim)
        // Two segments of 5 and 4 rows after the shared prefix.
        let lengths = [5, 4]
        let branchQ = lengths.map { rows($0, heads * headDim) }
        let branchK = lengths.map { rows($0, kvHeads * headDim) }, branchV = lengths.map { rows($0, kvHeads * headDim) }
        let cacheK = prefixKeys + branchK.flatMap { $0 }, cacheV = prefixValues + branchV.flatMap { $0 }
        let keys = FloatMatrix(rows: cacheK.count, cols: kvHeads * headDim, values: cacheK.flatMap { $0 })
        let values = FloatMatrix(rows: cacheV.count, cols: kvHeads * headDim, values: cacheV.flatMap { $0 })
        let q = FloatMatrix(rows: 9, cols: heads * headDim, values: branchQ.flatMap { $0 }.flatMap { $0 })
        let out = FloatMatrix(rows: 0, cols: heads * headDim)
        ComputeContext(threads: 2).attention(q: q, keys: keys, values: values, prefix: prefix, segment: [0, 0, 0, 0, 0, 1, 1, 1, 1],
                                             heads: heads, kvHeads: kvHeads, headDim: headDim, cacheFormat: .kivi(kivi), into: out)
        var worst: Float = 0
        var row = 0
        for b in 0..<2 {
            let expected = naive(q: branchQ[b], keys: prefixKeys + branchK[b], values: prefixValues + branchV[b], prefix: prefix,
                                 heads: heads, kvHeads: kvHeads, headDim: headDim, kivi: kivi)
            for e in expected {
                worst = max(worst, zip(out.row(row), e).map { abs($0 - $1) }.max()!)
                row += 1
            }
        }
        #expect(worst < 1e-5, "largest difference \(worst)")
        // And the quantisation matters here: plain attention gives other numbers.
        let plain = FloatMatrix(rows: 0, cols: heads * headDim)
        ComputeContext(threads: 2).attention(q: q, keys: keys, values: values, prefix: prefix, segment: [0, 0, 0, 0, 0, 1, 1, 1, 1],
                                             heads: heads, kvHeads: kvHeads, headDim: headDim, into: plain)
        let moved = (0..<9).map { r in zip(out.row(r), plain.row(r)).map { abs($0 - $1) }.max()! }.max()!
        #expect(moved > 1e-3, "KIVI changed the output by only \(moved)")
    }
}
