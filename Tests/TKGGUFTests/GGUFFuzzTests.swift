import TKRandom
import Foundation
import Testing
import TKGGUF
import TKTesting

/// Damaged copies of a fixture must parse or throw `GGUFError`; a trap would kill the test run.
///
/// The fixture has every value type, nested arrays and four tensors, so the damage lands in each
/// part of the parser. The generator is seeded, so a failure reproduces exactly.
struct GGUFFuzzTests {
    private static let fixture = GGUFFixtures.bytes()

    /// Parses `bytes`; returns the error code, or nil when it parsed. Checks every error names an
    /// offset inside the file, and that whatever parsed is self-consistent.
    private static func outcome(_ bytes: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) -> GGUFError.Code? {
        do {
            let file = try GGUFFile(bytes: bytes)
            for t in file.tensors {
                #expect(t.fileOffset % file.alignment == 0, sourceLocation: sourceLocation)
                #expect(t.fileOffset + t.byteCount <= bytes.count, sourceLocation: sourceLocation)
            }
            let ranges = file.tensors.map { $0.fileOffset..<($0.fileOffset + $0.byteCount) }.sorted { $0.lowerBound < $1.lowerBound }
            for (a, b) in zip(ranges, ranges.dropFirst()) {
                #expect(a.upperBound <= b.lowerBound, "tensor data overlaps", sourceLocation: sourceLocation)
            }
            _ = file.hyperparameters
            _ = file.metadata.map { $0.value.rendered() }
            return nil
        } catch {
            #expect(error.offset.map { (0...bytes.count).contains($0) } == true, "\(error)", sourceLocation: sourceLocation)
            return error.code
        }
    }

    @Test func everyTruncationThrowsOrParses() throws {
        let full = Self.fixture
        let file = try GGUFFile(bytes: full)
        let dataEnd = file.tensors.map { $0.fileOffset + $0.byteCount }.max() ?? file.dataOffset
        var codes: [GGUFError.Code: Int] = [:]
        for length in 0...full.count {
            let code = Self.outcome(Array(full.prefix(length)))
            // Only the padding after the last tensor may be cut without an error.
            if length < dataEnd {
                #expect(code != nil, "prefix of \(length) bytes parsed")
            } else {
                #expect(code == nil, "prefix of \(length) bytes failed with \(String(describing: code))")
            }
            if let code { codes[code, default: 0] += 1 }
        }
        #expect(Set(codes.keys) == [.truncated, .implausibleCount, .tensorOutOfBounds], "\(codes)")
    }

    @Test func seededCorruptionsThrowOrParse() {
        let full = Self.fixture
        var rng = SplitMix64(seed: 0x5EED_6605)
        var codes: [GGUFError.Code: Int] = [:]
        var parsed = 0
        let iterations = 6_000
        for _ in 0..<iterations {
            var bytes = full
            let edits = Int.random(in: 1...4, using: &rng)
            for _ in 0..<edits {
                let at = Int.random(in: 0..<bytes.count, using: &rng)
                switch Int.random(in: 0..<5, using: &rng) {
                case 0, 1:  // flip one bit
                    bytes[at] ^= 1 << UInt8.random(in: 0..<8, using: &rng)
                case 2:  // overwrite one byte
                    bytes[at] = UInt8.random(in: 0...255, using: &rng)
                case 3:  // overwrite a 64-bit field with an extreme value (lengths, counts, offsets)
                    let extremes: [UInt64] = [0, 1, .max, 1 << 63, 1 << 32, UInt64(full.count), 0xFFFF_FFFF]
                    let value = extremes.randomElement(using: &rng)!
                    for i in 0..<min(8, bytes.count - at) { bytes[at + i] = UInt8(truncatingIfNeeded: value >> (8 * i)) }
                default:  // flip a bit and cut the file somewhere after it
                    bytes[at] ^= 1 << UInt8.random(in: 0..<8, using: &rng)
                    bytes.removeLast(Int.random(in: 0..<(bytes.count - at), using: &rng))
                }
            }
            if let code = Self.outcome(bytes) {
                codes[code, default: 0] += 1
            } else {
                parsed += 1
            }
        }
        // Corruption hits every part of the parser, not only one early check.
        #expect(codes.count >= 8, "\(codes)")
        #expect(parsed > 0 && parsed < iterations, "parsed \(parsed) of \(iterations)")
    }

    /// Edits of the fields that describe structure — the two counts, each tensor's dimension
    /// count, dimensions and data offset — to values near and far from the real one. Whatever
    /// parses must still find every tensor at its own bytes: an edit can only parse when it keeps
    /// the padded size (a small tensor's shape within its padding), which the engine's shape
    /// checks then reject.
    @Test func structuralEditsAreRejectedOrChangeNothing() throws {
        let full = Self.fixture
        let intact = try GGUFFile(bytes: full)
        var rng = SplitMix64(seed: 0x57_2C_7E_D1)
        var fields: [(offset: Int, width: Int)] = [(GGUFBytes.tensorCountOffset, 8), (GGUFBytes.metadataCountOffset, 8)]
        for t in GGUFFixtures.tensors {
            let f = GGUFBytes.tensorFields(t.name, dims: t.shape.count, in: full)
            fields.append((f.dimCount, 4))
            for d in 0..<t.shape.count { fields.append((f.dimCount + 4 + 8 * d, 8)) }
            fields.append((f.dataOffset, 8))
        }
        var rejected = 0, unchanged = 0
        let cases = 1_500
        for _ in 0..<cases {
            var bytes = full
            let field = fields.randomElement(using: &rng)!
            let old = field.width == 8 ? GGUFBytes.read(UInt64.self, at: field.offset, in: full)
                                       : UInt64(GGUFBytes.read(UInt32.self, at: field.offset, in: full))
            let candidates: [UInt64] = [0, 1, 2, 3, 4, 32, 64, old &+ 1, old &- 1, old &+ 32, old &- 32, old &* 2, old / 2,
                                        UInt64(full.count), 1 << 32, .max, UInt64.random(in: 0...4_096, using: &rng)]
            let value = candidates.randomElement(using: &rng)!
            guard value != old else { continue }
            if field.width == 8 {
                GGUFBytes.patch(&bytes, at: field.offset, value)
            } else {
                GGUFBytes.patch(&bytes, at: field.offset, UInt32(truncatingIfNeeded: value))
            }
            guard Self.outcome(bytes) == nil else { rejected += 1; continue }
            let file = try GGUFFile(bytes: bytes)
            #expect(file.tensors.map(\.name) == intact.tensors.map(\.name))
            #expect(file.tensors.map(\.fileOffset) == intact.tensors.map(\.fileOffset),
                    "edit \(old) → \(value) at \(field.offset) moved tensor data")
            unchanged += 1
        }
        #expect(rejected > cases / 2, "rejected \(rejected), parsed unchanged \(unchanged)")
    }

    @Test func corruptionOfEveryHeaderByteThrowsOrParses() throws {
        let full = Self.fixture
        let file = try GGUFFile(bytes: full)
        for at in 0..<file.dataOffset {
            for replacement: UInt8 in [0x00, 0xFF, full[at] ^ 0x80] {
                var bytes = full
                bytes[at] = replacement
                _ = Self.outcome(bytes)
            }
        }
    }

    /// The on-disk reader buffers through a file handle; it must fail exactly as the in-memory
    /// reader does, with the same code, offset and key.
    @Test func diskAndMemoryReadersAgreeOnDamagedFiles() throws {
        let full = Self.fixture
        let path = try TemporaryFile.write(full)
        defer { TemporaryFile.remove(path) }
        var rng = SplitMix64(seed: 42)
        for i in 0..<150 {
            var bytes = full
            if i % 2 == 0 {
                bytes.removeLast(Int.random(in: 1...full.count, using: &rng))
            } else {
                bytes[Int.random(in: 0..<full.count, using: &rng)] ^= 1 << UInt8.random(in: 0..<8, using: &rng)
            }
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            let inMemory = Result { () throws(GGUFError) in try GGUFFile(bytes: bytes) }
            let onDisk = Result { () throws(GGUFError) in try GGUFFile(path: path) }
            switch (inMemory, onDisk) {
            case (.success(let a), .success(let b)):
                #expect(a.tensors == b.tensors)
            case (.failure(let a), .failure(let b)):
                #expect(b.path == path)
                #expect(a == GGUFError(b.code, b.message, offset: b.offset, key: b.key, tensor: b.tensor))
            default:
                Issue.record("readers disagree on case \(i): memory \(inMemory), disk \(onDisk)")
            }
        }
    }
}
