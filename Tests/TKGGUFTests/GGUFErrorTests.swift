import Foundation
import Testing
import TKGGUF
import TKTesting

/// Damaged and unsupported files: each must throw a `GGUFError` with the right code, naming the
/// offset, key or tensor where the problem is.
struct GGUFErrorTests {
    /// Parses `bytes`, expecting a `GGUFError`; records an issue and returns nil if it parses.
    private func parseError(_ bytes: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) -> GGUFError? {
        do {
            _ = try GGUFFile(bytes: bytes)
            Issue.record("expected a GGUFError, but the file parsed", sourceLocation: sourceLocation)
            return nil
        } catch {
            return error
        }
    }

    /// Checks code and location, and that the description shows the location.
    private func expect(
        _ bytes: [UInt8], code: GGUFError.Code, offset: Int? = nil, key: String? = nil, tensor: String? = nil,
        messageContains: [String] = [], sourceLocation: SourceLocation = #_sourceLocation
    ) {
        guard let error = parseError(bytes, sourceLocation: sourceLocation) else { return }
        #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
        if let offset {
            #expect(error.offset == offset, "\(error)", sourceLocation: sourceLocation)
            #expect(error.description.contains("offset \(offset)"), "\(error)", sourceLocation: sourceLocation)
        }
        if let key {
            #expect(error.key == key, "\(error)", sourceLocation: sourceLocation)
            #expect(error.description.contains("key '\(key)'"), "\(error)", sourceLocation: sourceLocation)
        }
        if let tensor {
            #expect(error.tensor == tensor, "\(error)", sourceLocation: sourceLocation)
            #expect(error.description.contains("tensor '\(tensor)'"), "\(error)", sourceLocation: sourceLocation)
        }
        for fragment in messageContains {
            #expect(error.message.contains(fragment), "\(error)", sourceLocation: sourceLocation)
        }
    }

    // MARK: Header

    @Test func badMagicIsRejectedAtOffsetZero() {
        var bytes = GGUFFixtures.bytes()
        bytes[0] = UInt8(ascii: "P")
        expect(bytes, code: .badMagic, offset: 0, messageContains: ["not a GGUF file"])
        expect(Array("PK\u{3}\u{4}not a gguf at all".utf8), code: .badMagic, offset: 0)
    }

    @Test("versions other than 2 and 3 are rejected at offset 4", arguments: [UInt32(0), 1, 4, 99])
    func unsupportedVersion(version: UInt32) {
        var bytes = GGUFFixtures.bytes()
        GGUFBytes.patch(&bytes, at: 4, version)
        expect(bytes, code: .unsupportedVersion, offset: 4, messageContains: ["version \(version)", "2 and 3"])
    }

    @Test func bigEndianFileIsRecognised() {
        var bytes = GGUFFixtures.bytes()
        GGUFBytes.patch(&bytes, at: 4, UInt32(3).byteSwapped)
        expect(bytes, code: .unsupportedVersion, offset: 4, messageContains: ["big-endian"])
    }

    @Test("a file cut inside the fixed header is truncated", arguments: [0, 3, 4, 7, 8, 15])
    func truncatedFixedHeader(length: Int) {
        let bytes = Array(GGUFFixtures.bytes().prefix(length))
        let expectedOffset = min(length / 4 * 4, 8)
        expect(bytes, code: .truncated, offset: expectedOffset, messageContains: ["truncated"])
    }

    /// Once the tensor count is read, the rest of the file must be able to hold that many entries.
    @Test("a file cut after the tensor count has an implausible count", arguments: [16, 23, 100])
    func truncatedAfterTensorCount(length: Int) {
        let bytes = Array(GGUFFixtures.bytes().prefix(length))
        expect(bytes, code: .implausibleCount, offset: 8, messageContains: ["tensor count is 4", "truncated or corrupted"])
    }

    @Test func truncatedInsideAValueNamesTheKey() {
        let bytes = GGUFFixtures.bytes()
        let at = GGUFBytes.valueOffset(ofKey: "test.uint64", in: bytes)
        expect(Array(bytes.prefix(at + 3)), code: .truncated, offset: at, key: "test.uint64")
    }

    @Test func implausibleTensorCount() {
        var bytes = GGUFFixtures.bytes()
        GGUFBytes.patch(&bytes, at: 8, UInt64(1) << 60)
        expect(bytes, code: .implausibleCount, offset: 8, messageContains: ["tensor count", "\(UInt64(1) << 60)"])
    }

    @Test func implausibleMetadataCount() {
        var bytes = GGUFFixtures.bytes()
        GGUFBytes.patch(&bytes, at: 16, UInt64.max)
        expect(bytes, code: .implausibleCount, offset: 16, messageContains: ["metadata count"])
    }

    @Test func implausibleArrayLengthNamesTheKey() {
        var bytes = GGUFFixtures.bytes()
        // Array value: element type (4 bytes), then the length.
        let at = GGUFBytes.valueOffset(ofKey: "tokenizer.ggml.tokens", in: bytes) + 4
        GGUFBytes.patch(&bytes, at: at, UInt64(1) << 40)
        expect(bytes, code: .implausibleCount, offset: at, key: "tokenizer.ggml.tokens", messageContains: ["array length"])
    }

    @Test func implausibleStringLengthNamesTheKey() {
        var bytes = GGUFFixtures.bytes()
        let at = GGUFBytes.valueOffset(ofKey: "general.name", in: bytes)
        GGUFBytes.patch(&bytes, at: at, UInt64(bytes.count))
        expect(bytes, code: .implausibleCount, offset: at, key: "general.name")
    }

    // MARK: Metadata

    @Test func unknownValueTypeNamesKeyAndOffset() {
        var bytes = GGUFFixtures.bytes()
        let at = GGUFBytes.typeTagOffset(ofKey: "test.int16", in: bytes)
        GGUFBytes.patch(&bytes, at: at, UInt32(13))
        expect(bytes, code: .invalidValueType, offset: at, key: "test.int16", messageContains: ["type 13"])
    }

    @Test func unknownArrayElementTypeNamesKeyAndOffset() {
        var bytes = GGUFFixtures.bytes()
        let at = GGUFBytes.valueOffset(ofKey: "test.array_int32", in: bytes)
        GGUFBytes.patch(&bytes, at: at, UInt32(0xDEAD))
        expect(bytes, code: .invalidValueType, offset: at, key: "test.array_int32", messageContains: ["element type \(0xDEAD)"])
    }

    @Test func invalidUTF8KeyIsRejectedAtItsOffset() {
        var bytes = GGUFFixtures.bytes()
        let at = GGUFBytes.stringOffset("general.name", in: bytes)
        bytes[at + 8] = 0xFF
        expect(bytes, code: .invalidString, offset: at, messageContains: ["UTF-8", "key of metadata entry 1"])
    }

    @Test func invalidUTF8ValueNamesTheKey() {
        var bytes = GGUFFixtures.bytes()
        let at = GGUFBytes.valueOffset(ofKey: "general.name", in: bytes)
        bytes[at + 8] = 0xC3  // a lead byte followed by ASCII
        expect(bytes, code: .invalidString, offset: at, key: "general.name")
    }

    @Test func duplicateKeyIsRejected() {
        var w = GGUFWriter()
        w.set("dup.a", .uint32(1))
        w.set("dup.b", .uint32(2))
        var bytes = w.serialized()
        let second = GGUFBytes.stringOffset("dup.b", in: bytes)
        bytes[second + 8 + 4] = UInt8(ascii: "a")
        expect(bytes, code: .duplicateKey, offset: second, key: "dup.a")
    }

    @Test("bools other than 0 and 1 are rejected", arguments: [UInt8(2), 0x80, 0xFF])
    func boolOutOfRange(raw: UInt8) {
        var bytes = GGUFFixtures.bytes()
        let at = GGUFBytes.valueOffset(ofKey: "test.bool_true", in: bytes)
        bytes[at] = raw
        expect(bytes, code: .invalidValueType, offset: at, key: "test.bool_true", messageContains: ["bool value \(raw)"])
    }

    @Test func boolOutOfRangeInsideAnArray() {
        var bytes = GGUFFixtures.bytes()
        let first = GGUFBytes.valueOffset(ofKey: "test.array_bool", in: bytes) + 4 + 8
        bytes[first + 1] = 7
        expect(bytes, code: .invalidValueType, offset: first + 1, key: "test.array_bool")
    }

    @Test func arraysNestedTooDeepAreRejected() {
        var value = GGUFValue.array(.uint8, [])
        for _ in 0..<9 { value = .array(.array, [value]) }
        var w = GGUFWriter()
        w.set("deep", value)
        expect(w.serialized(), code: .invalidValueType, key: "deep", messageContains: ["nested"])
        var ok = GGUFValue.array(.uint8, [])
        for _ in 0..<7 { ok = .array(.array, [ok]) }
        var w2 = GGUFWriter()
        w2.set("deep", ok)
        #expect(throws: Never.self) { try GGUFFile(bytes: w2.serialized()) }
    }

    @Test("general.alignment must be a positive power of two", arguments: [
        GGUFValue.uint32(0), .uint32(3), .uint32(48), .uint64(1 << 21), .int32(-32), .string("32"),
    ])
    func badAlignment(value: GGUFValue) {
        var w = GGUFWriter()
        w.set("general.architecture", .string("llama"))
        w.set("general.alignment", value)
        let bytes = w.serialized()
        let at = GGUFBytes.stringOffset("general.alignment", in: bytes)
        expect(bytes, code: .wrongValueType, offset: at, key: "general.alignment", messageContains: ["power of two"])
    }

    // MARK: Tensors

    @Test func unsupportedTensorTypeNamesTheTensorAndTheSupportedTypes() {
        var bytes = GGUFFixtures.bytes()
        let fields = GGUFBytes.tensorFields("token_embd.weight", dims: 2, in: bytes)
        GGUFBytes.patch(&bytes, at: fields.type, UInt32(10))  // Q2_K
        expect(bytes, code: .unsupportedTensorType, offset: fields.type, tensor: "token_embd.weight",
               messageContains: ["Q2_K", GGUFTensorType.supportedList, "Q4_1", "Q8_0"])
    }

    @Test("unknown type numbers are named by number", arguments: [UInt32(4), 5, 31, 1000])
    func unknownTensorTypeNumber(raw: UInt32) {
        var bytes = GGUFFixtures.bytes()
        let fields = GGUFBytes.tensorFields("blk.0.attn_norm.weight", dims: 2, in: bytes)
        GGUFBytes.patch(&bytes, at: fields.type, raw)
        expect(bytes, code: .unsupportedTensorType, offset: fields.type, tensor: "blk.0.attn_norm.weight",
               messageContains: ["type #\(raw)"])
    }

    @Test func tensorDataPastEndOfFileNamesTheTensor() throws {
        let full = GGUFFixtures.bytes()
        let last = try #require(try GGUFFile(bytes: full).tensors.last)
        let cut = Array(full.prefix(last.fileOffset + last.byteCount - 1))
        let entry = GGUFBytes.stringOffset(last.name, in: full)
        expect(cut, code: .tensorOutOfBounds, offset: entry, tensor: last.name, messageContains: ["truncated", "\(cut.count) bytes"])
    }

    @Test func tensorOffsetBeyondTheFileNamesTheTensor() {
        var bytes = GGUFFixtures.bytes()
        let fields = GGUFBytes.tensorFields("blk.0.ffn_gate.weight", dims: 1, in: bytes)
        GGUFBytes.patch(&bytes, at: fields.dataOffset, UInt64(1 << 20))
        expect(bytes, code: .tensorOutOfBounds, tensor: "blk.0.ffn_gate.weight")
        GGUFBytes.patch(&bytes, at: fields.dataOffset, UInt64.max - 31)
        expect(bytes, code: .tensorOutOfBounds, offset: fields.dataOffset, tensor: "blk.0.ffn_gate.weight")
    }

    @Test("misaligned tensor offsets are rejected", arguments: [UInt64(1), 4, 16, 33])
    func misalignedTensorOffset(offset: UInt64) {
        var bytes = GGUFFixtures.bytes()
        let fields = GGUFBytes.tensorFields("output.weight", dims: 3, in: bytes)
        GGUFBytes.patch(&bytes, at: fields.dataOffset, offset)
        expect(bytes, code: .invalidTensor, offset: fields.dataOffset, tensor: "output.weight",
               messageContains: ["\(offset)", "alignment 32"])
    }

    @Test("dimension counts outside 1...4 are rejected", arguments: [UInt32(0), 5, 0xFFFF_FFFF])
    func badDimensionCount(count: UInt32) {
        var bytes = GGUFFixtures.bytes()
        let fields = GGUFBytes.tensorFields("output.weight", dims: 3, in: bytes)
        GGUFBytes.patch(&bytes, at: fields.dimCount, count)
        let entry = GGUFBytes.stringOffset("output.weight", in: bytes)
        expect(bytes, code: .invalidTensor, offset: entry, tensor: "output.weight", messageContains: ["\(count) dimensions"])
    }

    @Test("zero and absurd dimensions are rejected", arguments: [UInt64(0), 1 << 40, .max])
    func badDimension(value: UInt64) {
        var bytes = GGUFFixtures.bytes()
        let fields = GGUFBytes.tensorFields("output.weight", dims: 3, in: bytes)
        GGUFBytes.patch(&bytes, at: fields.dimCount + 4 + 8, value)
        let entry = GGUFBytes.stringOffset("output.weight", in: bytes)
        expect(bytes, code: .invalidTensor, offset: entry, tensor: "output.weight", messageContains: ["dimension 1"])
    }

    @Test func elementCountOverflowIsRejected() {
        var bytes = GGUFFixtures.bytes()
        let fields = GGUFBytes.tensorFields("output.weight", dims: 3, in: bytes)
        for d in 0..<3 { GGUFBytes.patch(&bytes, at: fields.dimCount + 4 + 8 * d, UInt64(1) << 39) }
        expect(bytes, code: .invalidTensor, tensor: "output.weight", messageContains: ["implausible element count"])
    }

    @Test func rowLengthMustFillWholeBlocks() {
        var bytes = GGUFFixtures.bytes()
        let fields = GGUFBytes.tensorFields("token_embd.weight", dims: 2, in: bytes)
        GGUFBytes.patch(&bytes, at: fields.dimCount + 4, UInt64(33))
        expect(bytes, code: .invalidTensor, tensor: "token_embd.weight", messageContains: ["33", "block size 32"])
    }

    @Test func duplicateTensorNameIsRejected() {
        var w = GGUFWriter()
        w.addTensor("w.a", shape: [2], floats: [1, 2])
        w.addTensor("w.b", shape: [2], floats: [3, 4])
        var bytes = w.serialized()
        let second = GGUFBytes.stringOffset("w.b", in: bytes)
        bytes[second + 8 + 2] = UInt8(ascii: "a")
        expect(bytes, code: .invalidTensor, offset: second, tensor: "w.a", messageContains: ["twice"])
    }

    // MARK: Files

    @Test func missingFileSaysWhatToDo() throws {
        let path = "/nonexistent/dir/model.gguf"
        let error = try #require(#expect(throws: GGUFError.self) { try GGUFFile(path: path) })
        #expect(error.code == .fileNotFound)
        #expect(error.path == path)
        #expect(error.description.hasPrefix(path + ": "))
        #expect(error.message.contains("truthkit models pull"))
    }

    @Test func directoryIsUnreadable() throws {
        let path = try TemporaryFile.write([0])
        defer { TemporaryFile.remove(path) }
        let dir = (path as NSString).deletingLastPathComponent
        let error = try #require(#expect(throws: GGUFError.self) { try GGUFFile(path: dir) })
        #expect(error.code == .unreadable)
        #expect(error.path == dir)
        #expect(error.message.contains("directory"))
    }

    @Test func truncatedFileOnDiskNamesPathOffsetAndKey() throws {
        let bytes = GGUFFixtures.bytes()
        let at = GGUFBytes.valueOffset(ofKey: "test.float64", in: bytes)
        let path = try TemporaryFile.write(Array(bytes.prefix(at + 5)))
        defer { TemporaryFile.remove(path) }
        let error = try #require(#expect(throws: GGUFError.self) { try GGUFFile(path: path) })
        #expect(error.code == .truncated)
        #expect(error.path == path)
        #expect(error.key == "test.float64")
        #expect(error.offset == at)
        #expect(error.description.hasPrefix("\(path), offset \(at), key 'test.float64': "))
    }

    @Test func stringRunningPastTheEndIsCaughtBeforeReading() {
        let bytes = GGUFFixtures.bytes()
        let at = GGUFBytes.valueOffset(ofKey: "test.string", in: bytes)
        expect(Array(bytes.prefix(at + 10)), code: .implausibleCount, offset: at, key: "test.string",
               messageContains: ["truncated or corrupted"])
    }

    @Test func descriptionListsEveryKnownLocation() {
        let e = GGUFError(.invalidTensor, "broken", offset: 12, key: "k", tensor: "t", path: "/m.gguf")
        #expect(e.description == "/m.gguf, offset 12, key 'k', tensor 't': broken")
        #expect(GGUFError(.truncated, "cut").description == "cut")
    }
}
