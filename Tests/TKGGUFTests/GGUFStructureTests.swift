import Foundation
import Testing
import TKGGUF
import TKTesting
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Structural checks of the tensor directory, paths that are not regular files, and text from the
/// file that reaches a terminal (escaped and capped).
@Suite struct GGUFStructureTests {
    @Test func tensorsSharingBytesAreRejectedNamingBoth() throws {
        var bytes = GGUFFixtures.bytes()
        // blk.0.ffn_gate.weight (64 bytes at relative 32) moved onto blk.0.attn_norm.weight (at 0).
        let fields = GGUFBytes.tensorFields("blk.0.ffn_gate.weight", dims: 1, in: bytes)
        GGUFBytes.patch(&bytes, at: fields.dataOffset, UInt64(0))
        let error = try #require(throws: GGUFError.self) { try GGUFFile(bytes: bytes) }
        #expect(error.code == .invalidTensor)
        #expect(error.tensor == "blk.0.ffn_gate.weight")
        #expect(error.message.contains("overlaps tensor 'blk.0.attn_norm.weight'"), "\(error)")
    }

    @Test func tensorOverlappingTheNextOneByGrowingIsRejected() throws {
        var bytes = GGUFFixtures.bytes()
        // attn_norm [4, 2] F32 is 32 bytes; as [4, 4] it runs 32 bytes into ffn_gate's data.
        let fields = GGUFBytes.tensorFields("blk.0.attn_norm.weight", dims: 2, in: bytes)
        GGUFBytes.patch(&bytes, at: fields.dimCount + 4 + 8, UInt64(4))
        let error = try #require(throws: GGUFError.self) { try GGUFFile(bytes: bytes) }
        #expect(error.code == .invalidTensor)
        #expect(error.message.contains("overlaps"), "\(error)")
    }

    @Test func intactFixtureHasDisjointTensors() throws {
        let file = try GGUFFile(bytes: GGUFFixtures.bytes())
        let ranges = file.tensors.map { $0.fileOffset..<($0.fileOffset + $0.byteCount) }.sorted { $0.lowerBound < $1.lowerBound }
        for (a, b) in zip(ranges, ranges.dropFirst()) { #expect(a.upperBound <= b.lowerBound) }
    }

    @Test func fifoIsRefusedInsteadOfBlocking() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tkgguf-fifo-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let fifo = dir.appendingPathComponent("model.gguf").path
        #expect(mkfifo(fifo, 0o600) == 0)
        let error = try #require(throws: GGUFError.self) { try GGUFFile(path: fifo) }
        #expect(error.code == .unreadable)
        #expect(error.message.contains("FIFO"), "\(error)")
        #expect(error.path == fifo)
    }

    @Test func characterDeviceIsRefused() throws {
        let error = try #require(throws: GGUFError.self) { try GGUFFile(path: "/dev/zero") }
        #expect(error.code == .unreadable)
        #expect(error.message.contains("character device"), "\(error)")
    }

    @Test func symbolicLinkToAFileIsFollowed() throws {
        let path = try TemporaryFile.write(GGUFFixtures.bytes())
        defer { TemporaryFile.remove(path) }
        let link = path + ".link.gguf"
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: path)
        #expect(try GGUFFile(path: link).tensors.count == GGUFFixtures.tensors.count)
    }

    @Test func escapingWritesControlCharactersVisibly() {
        #expect(GGUFText.escaped("a\u{1B}[31mred\u{07}\\b\n") == "a\\u{1B}[31mred\\u{7}\\\\b\\n")
        #expect(GGUFText.escaped("\u{9B}2J\u{202E}txt") == "\\u{9B}2J\\u{202E}txt")
        #expect(GGUFText.escaped("héllo 世界 🌍") == "héllo 世界 🌍")
        #expect(GGUFText.escaped(String(repeating: "x", count: 50), maxLength: 10) == "xxxxxxxxxx… (50 characters)")
    }

    @Test func renderedValuesCarryNoEscapeSequences() {
        let value = GGUFValue.string("\u{1B}]0;pwned\u{07}\u{1B}[2J")
        let shown = value.rendered()
        #expect(!shown.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F })
        #expect(shown == #""\u{1B}]0;pwned\u{7}\u{1B}[2J""#)
    }

    /// A key of 300 KB with escape sequences, whose value has the wrong type: the error names
    /// it, escaped and cut short.
    @Test func errorsNamingHugeBinaryKeysStayShortAndPrintable() throws {
        let key = "\u{1B}[31m" + String(repeating: "\u{01}A", count: 150_000)
        var writer = GGUFFixtures.writer()
        writer.set(key, .string(String(repeating: "\u{1B}[2J", count: 10_000)))
        let file = try GGUFFile(bytes: writer.serialized())
        let error = try #require(throws: GGUFError.self) { try file.requireInt(key) }
        #expect(error.key == key)
        let text = error.description
        #expect(text.count < 2_000, "\(text.count) characters")
        #expect(!text.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" })
        #expect(text.contains("\\u{1B}[31m"))
    }
}
