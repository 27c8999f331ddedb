import TKRandom
import Foundation
import Testing
import TKEngine
import TKGGUF
import TKTesting

/// Structural damage to a model file — a count, a tensor's dimension count, dimension or data
/// offset, or a hyper-parameter that sizes the network — must be rejected, never run with other
/// numbers. Only damage to tensor data bytes may change the numbers (and non-finite ones must
/// fail as `.damagedModel`). Seeded and bounded, so a failure reproduces exactly; a longer run:
/// `TK_MODEL_FUZZ_CASES=20000 swift test --filter ModelFuzzTests`.
@Suite struct ModelFuzzTests {
    static let tokens: [Int32] = [3, 17, 5, 9, 22, 1, 30, 8]
    static var cases: Int { ProcessInfo.processInfo.environment["TK_MODEL_FUZZ_CASES"].flatMap(Int.init) ?? 300 }

    /// What running a damaged image did.
    enum Outcome: Equatable {
        case rejected
        case scored([Float])
    }

    /// Parses, loads and scores `bytes` through a real file, as the CLI does.
    static func run(_ bytes: [UInt8], at path: String) throws -> Outcome {
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        do {
            _ = try GGUFFile(bytes: bytes)
            let model = try TransformerModel(path: path)
            return .scored(try InferenceSession(model: model).scoreSequence(tokens))
        } catch is GGUFError {
            return .rejected
        } catch is EngineError {
            return .rejected
        } catch {
            // Tokenizer errors and the like are fine too: anything but a wrong number.
            return .rejected
        }
    }

    /// Every structural field of the tiny model: the two counts, each tensor's dimension count,
    /// dimensions and data offset, and the integer hyper-parameters (u32).
    static func structuralFields(of bytes: [UInt8], tiny: TinyModel) throws -> [(offset: Int, width: Int)] {
        var fields: [(Int, Int)] = [(GGUFBytes.tensorCountOffset, 8), (GGUFBytes.metadataCountOffset, 8)]
        let file = try GGUFFile(bytes: bytes)
        for t in file.tensors {
            let f = GGUFBytes.tensorFields(t.name, dims: t.shape.count, in: bytes)
            fields.append((f.dimCount, 4))
            for d in 0..<t.shape.count { fields.append((f.dimCount + 4 + 8 * d, 8)) }
            fields.append((f.dataOffset, 8))
        }
        for key in ["block_count", "embedding_length", "feed_forward_length", "attention.head_count",
                    "attention.head_count_kv", "vocab_size", "context_length"] {
            fields.append((GGUFBytes.valueOffset(ofKey: "llama.\(key)", in: bytes), 4))
        }
        return fields
    }

    @Test func structuralEditsAreRejectedOrChangeNoNumber() throws {
        let tiny = TinyModel()
        let full = tiny.bytes
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("fuzz-\(UUID().uuidString).gguf").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let intact = try Self.run(full, at: path)
        guard case .scored = intact else { Issue.record("the intact model did not run"); return }

        let fields = try Self.structuralFields(of: full, tiny: tiny)
        var rng = SplitMix64(seed: 0xF0_22_5EED)
        var rejected = 0, same = 0
        for i in 0..<Self.cases {
            let field = fields.randomElement(using: &rng)!
            let old = field.width == 8 ? GGUFBytes.read(UInt64.self, at: field.offset, in: full)
                                       : UInt64(GGUFBytes.read(UInt32.self, at: field.offset, in: full))
            let candidates: [UInt64] = [0, 1, 2, 3, 4, 8, 16, 29, 32, old &+ 1, old &- 1, old &+ 32, old &- 32, old &* 2, old / 2,
                                        UInt64(full.count), 0xFFFF_FFFF, UInt64.random(in: 0...8_192, using: &rng)]
            let value = candidates.randomElement(using: &rng)!
            guard value != old else { continue }
            var bytes = full
            if field.width == 8 {
                GGUFBytes.patch(&bytes, at: field.offset, value)
            } else {
                GGUFBytes.patch(&bytes, at: field.offset, UInt32(truncatingIfNeeded: value))
            }
            switch try Self.run(bytes, at: path) {
            case .rejected: rejected += 1
            case let outcome:
                // context_length may grow (or shrink to no less than the tokens) without effect.
                #expect(outcome == intact, "case \(i): \(old) → \(value) at byte \(field.offset) ran with other numbers")
                same += 1
            }
        }
        #expect(rejected > Self.cases / 2, "rejected \(rejected), ran unchanged \(same)")
    }

    /// Damage to the weights themselves may change the numbers, but never crashes, and a
    /// non-finite result is always an error rather than a score.
    @Test func dataByteDamageNeverCrashesOrScoresNonFinite() throws {
        let tiny = TinyModel()
        let full = tiny.bytes
        let file = try GGUFFile(bytes: full)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("fuzz-\(UUID().uuidString).gguf").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        var rng = SplitMix64(seed: 0xDA7A)
        var damaged = 0
        for _ in 0..<(Self.cases / 3) {
            var bytes = full
            for _ in 0..<Int.random(in: 1...3, using: &rng) {
                let at = Int.random(in: file.dataOffset..<full.count, using: &rng)
                // Setting the top exponent bits of a float makes NaN/Inf often; flips cover the rest.
                bytes[at] = Bool.random(using: &rng) ? bytes[at] | 0x7F : bytes[at] ^ (1 << UInt8.random(in: 0..<8, using: &rng))
            }
            switch try Self.run(bytes, at: path) {
            case .rejected: damaged += 1
            case .scored(let lps): #expect(lps.allSatisfy { $0.isFinite && $0 <= 1e-5 }, "\(lps)")
            }
        }
        #expect(damaged > 0, "no damage was detected as non-finite")
    }
}
