import Foundation

/// A bounds-checked little-endian reader over the head of a GGUF file.
///
/// Only the header (metadata and tensor directory) is read through here, never the weights, so it
/// pulls the file in on demand in chunks instead of loading or mapping all of it. Every read
/// checks the remaining length first and throws `.truncated` with the offset, so a damaged file
/// can never make it read out of bounds.
struct ByteCursor {
    private var buffer: [UInt8]
    private let handle: FileHandle?
    /// Total length of the underlying file or byte array.
    let totalLength: Int
    private(set) var offset: Int = 0

    init(bytes: [UInt8]) {
        buffer = bytes
        handle = nil
        totalLength = bytes.count
    }

    init(handle: FileHandle, length: Int) {
        buffer = []
        self.handle = handle
        totalLength = length
    }

    var remaining: Int { totalLength - offset }

    /// Makes sure bytes `[offset, offset + count)` are buffered, or throws `.truncated`.
    private mutating func require(_ count: Int, _ what: @autoclosure () -> String) throws(GGUFError) {
        guard count >= 0, count <= remaining else {
            throw GGUFError(.truncated, "file ends while reading \(what()) (needs \(count) bytes, \(max(remaining, 0)) left); the file is truncated — download it again", offset: offset)
        }
        let end = offset + count
        guard end > buffer.count, let handle else { return }
        // Read ahead in 4 MiB steps so a header with 100k vocabulary strings takes few syscalls.
        let target = min(totalLength, max(end, buffer.count + (4 << 20)))
        // `read(upToCount:)` may return fewer bytes than asked (pipes, network file systems), so
        // keep reading until the bytes are there or the file really ends.
        while buffer.count < target {
            let chunk: Data?
            do {
                try handle.seek(toOffset: UInt64(buffer.count))
                chunk = try handle.read(upToCount: target - buffer.count)
            } catch {
                throw GGUFError(.unreadable, "read failed: \(error.localizedDescription); check the file's permissions and the disk", offset: buffer.count)
            }
            guard let chunk, !chunk.isEmpty else { break }
            buffer.append(contentsOf: chunk)
        }
        guard buffer.count >= end else {
            throw GGUFError(.truncated, "file ends while reading \(what()) (the file shrank while it was being read); download it again", offset: offset)
        }
    }

    mutating func readU8(_ what: @autoclosure () -> String) throws(GGUFError) -> UInt8 {
        try require(1, what())
        defer { offset += 1 }
        return buffer[offset]
    }

    mutating func readLE<T: FixedWidthInteger>(_: T.Type, _ what: @autoclosure () -> String) throws(GGUFError) -> T {
        let size = MemoryLayout<T>.size
        try require(size, what())
        var value: T = 0
        for i in 0..<size {
            value |= T(truncatingIfNeeded: buffer[offset + i]) << (8 * i)
        }
        offset += size
        return value
    }

    /// Reads a `UInt64` count and checks it against what could possibly fit in the rest of the file.
    mutating func readCount(minBytesPerItem: Int, _ what: @autoclosure () -> String) throws(GGUFError) -> Int {
        let start = offset
        let raw = try readLE(UInt64.self, what())
        guard raw <= UInt64(Int.max / max(minBytesPerItem, 1)), Int(raw) * minBytesPerItem <= remaining else {
            throw GGUFError(.implausibleCount, "\(what()) is \(raw), more than the \(remaining) bytes left in the file could hold; the file is truncated or corrupted — download it again", offset: start)
        }
        return Int(raw)
    }

    mutating func readString(_ what: @autoclosure () -> String) throws(GGUFError) -> String {
        let start = offset
        let length = try readCount(minBytesPerItem: 1, "length of \(what())")
        try require(length, what())
        let bytes = buffer[offset..<(offset + length)]
        offset += length
        guard let s = String(validating: bytes, as: UTF8.self) else {
            throw GGUFError(.invalidString, "\(what()) is not valid UTF-8", offset: start)
        }
        return s
    }
}
