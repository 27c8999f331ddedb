import Foundation
import Testing
import TKGGUF

/// Writer → reader round trips: every value type, both versions, alignment and tensor layout.
struct GGUFRoundTripTests {
    @Test("every value type reads back as written", arguments: [UInt32(2), 3])
    func everyValueTypeRoundTrips(version: UInt32) throws {
        let file = try GGUFFile(bytes: GGUFFixtures.bytes(version: version))
        #expect(file.version == version)
        for (key, value) in GGUFFixtures.everyValueType {
            #expect(file[key] == value, "key \(key)")
            #expect(file[key]?.type == value.type, "key \(key)")
        }
        // All 13 on-disk type tags occur at top level.
        let topLevelTypes = Set(GGUFFixtures.everyValueType.map(\.value.type))
        #expect(topLevelTypes == Set(GGUFValueType.allCases))
        #expect(GGUFValueType.allCases.count == 13)
    }

    @Test func metadataKeepsFileOrder() throws {
        let writer = GGUFFixtures.writer()
        let file = try GGUFFile(bytes: writer.serialized())
        let keys = file.metadata.map(\.key)
        #expect(keys.first == "general.architecture")
        #expect(keys.suffix(GGUFFixtures.everyValueType.count) == GGUFFixtures.everyValueType.map(\.key)[...])
    }

    @Test func nestedAndEmptyArraysKeepTheirElementTypes() throws {
        let file = try GGUFFile(bytes: GGUFFixtures.bytes())
        guard case .array(let outer, let items)? = file["test.array_of_arrays"] else {
            Issue.record("test.array_of_arrays is not an array")
            return
        }
        #expect(outer == .array)
        #expect(items.count == 3)
        #expect(items[2] == .array(.float32, []))
        #expect(file["test.array_empty_string"] == .array(.string, []))
        #expect(file["test.array_of_empty_arrays"] == .array(.array, [.array(.int64, []), .array(.array, [])]))
        #expect(file["test.array_of_array_of_arrays"]?.arrayValue?.first?.arrayValue?.first == .array(.uint8, [.uint8(1)]))
    }

    @Test func floatBitPatternsSurvive() throws {
        var w = GGUFWriter()
        let nan32 = Float(bitPattern: 0x7FC0_1234)
        let nan64 = Double(bitPattern: 0x7FF8_0000_0000_BEEF)
        w.set("nan32", .float32(nan32))
        w.set("nan64", .float64(nan64))
        w.set("negzero", .float32(-0.0))
        w.set("subnormal", .float64(.leastNonzeroMagnitude))
        let file = try GGUFFile(bytes: w.serialized())
        guard case .float32(let a)? = file["nan32"], case .float64(let b)? = file["nan64"],
              case .float32(let z)? = file["negzero"], case .float64(let s)? = file["subnormal"] else {
            Issue.record("float values did not read back as floats")
            return
        }
        #expect(a.bitPattern == nan32.bitPattern)
        #expect(b.bitPattern == nan64.bitPattern)
        #expect(z.bitPattern == (-0.0 as Float).bitPattern)
        #expect(s == .leastNonzeroMagnitude)
    }

    @Test("tensor infos, offsets and data land where the writer put them", arguments: [UInt32(2), 3])
    func tensorInfosAndOffsets(version: UInt32) throws {
        let bytes = GGUFFixtures.bytes(version: version)
        let file = try GGUFFile(bytes: bytes)
        #expect(file.alignment == 32)
        #expect(file.dataOffset % 32 == 0)
        #expect(file.fileSize == bytes.count)
        #expect(file.tensors.count == GGUFFixtures.tensors.count)
        var previousEnd = file.dataOffset
        for (info, expected) in zip(file.tensors, GGUFFixtures.tensors) {
            #expect(info.name == expected.name)
            #expect(info.shape == expected.shape)
            #expect(info.type == expected.type)
            #expect(info.byteCount == expected.bytes.count)
            #expect(info.relativeOffset % file.alignment == 0)
            #expect(info.fileOffset == file.dataOffset + info.relativeOffset)
            #expect(info.fileOffset >= previousEnd, "tensors overlap at \(info.name)")
            #expect(Array(bytes[info.fileOffset..<(info.fileOffset + info.byteCount)]) == expected.bytes, "data of \(info.name)")
            previousEnd = info.fileOffset + info.byteCount
        }
        let embd = try #require(file.tensor(named: "token_embd.weight"))
        #expect(embd.rowLength == 32)
        #expect(embd.rowCount == 2)
        #expect(embd.elementCount == 64)
        #expect(file.tensor(named: "output.weight")?.rowCount == 1)
    }

    @Test("general.alignment moves the data section and tensor offsets", arguments: [1, 8, 64, 256, 4096])
    func customAlignment(alignment: Int) throws {
        let bytes = GGUFFixtures.bytes(alignment: alignment)
        let file = try GGUFFile(bytes: bytes)
        #expect(file.alignment == alignment)
        #expect(file.dataOffset % alignment == 0)
        for (info, expected) in zip(file.tensors, GGUFFixtures.tensors) {
            #expect(info.fileOffset % alignment == 0)
            #expect(Array(bytes[info.fileOffset..<(info.fileOffset + info.byteCount)]) == expected.bytes)
        }
    }

    @Test func writerReplacesARepeatedKeyInPlace() throws {
        var w = GGUFWriter()
        w.set("a", .uint8(1))
        w.set("b", .uint8(2))
        w.set("a", .string("again"))
        let file = try GGUFFile(bytes: w.serialized())
        #expect(file.metadata.map(\.key) == ["a", "b"])
        #expect(file["a"] == .string("again"))
    }

    @Test func emptyFileHeaderParses() throws {
        let bytes = GGUFWriter().serialized()
        #expect(bytes.count == 32)  // 24 header bytes padded to the alignment
        let file = try GGUFFile(bytes: bytes)
        #expect(file.metadata.isEmpty)
        #expect(file.tensors.isEmpty)
        #expect(file.architecture == nil)
    }

    @Test func fileOnDiskParsesLikeTheSameBytesInMemory() throws {
        let bytes = GGUFFixtures.bytes()
        let path = try TemporaryFile.write(bytes)
        defer { TemporaryFile.remove(path) }
        let fromDisk = try GGUFFile(path: path)
        let fromMemory = try GGUFFile(bytes: bytes)
        #expect(fromDisk.path == path)
        #expect(fromDisk.tensors == fromMemory.tensors)
        #expect(fromDisk.metadata.map(\.key) == fromMemory.metadata.map(\.key))
        #expect(fromDisk.metadata.map(\.value) == fromMemory.metadata.map(\.value))
        #expect(fromDisk.dataOffset == fromMemory.dataOffset)
    }

    /// The on-disk reader buffers 4 MiB at a time; a header that spans several chunks must read
    /// back intact.
    @Test func headerLargerThanTheReadChunkParsesFromDisk() throws {
        var w = GGUFWriter()
        let big = String(repeating: "abcdefghijklmnopqrstuvwxyz012345", count: 300_000)  // 9.6 MB
        w.set("big.string", .string(big))
        w.set("after", .array(.uint16, (0..<1000).map { .uint16(UInt16($0)) }))
        w.addTensor("t", shape: [8], floats: (0..<8).map(Float.init))
        let bytes = w.serialized()
        let path = try TemporaryFile.write(bytes)
        defer { TemporaryFile.remove(path) }
        let file = try GGUFFile(path: path)
        #expect(file["big.string"]?.stringValue?.utf8.count == big.utf8.count)
        #expect(file["after"]?.arrayValue?.last == .uint16(999))
        let t = try file.requireTensor("t")
        #expect(Array(bytes[t.fileOffset..<(t.fileOffset + 8)]) == [0, 0, 0, 0, 0, 0, 0x80, 0x3F])
    }
}
