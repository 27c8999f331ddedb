import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A read-only memory map of a whole file (a GGUF model): weights are used in place, never copied.
///
/// Pages are loaded by the OS on first touch and shared with every other process mapping the same
/// file, so resident memory stays near the size of the weights actually read.
public final class MappedFile: @unchecked Sendable {
    // @unchecked: the mapping is read-only and lives until deinit, so sharing it across threads is safe.
    let base: UnsafeRawPointer
    public let size: Int
    public let path: String

    public struct MapError: Error, CustomStringConvertible {
        public var description: String
    }

    public init(path: String) throws {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else {
            throw MapError(description: "\(path): cannot open for mapping (\(String(cString: strerror(errno))))")
        }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0, st.st_size > 0 else {
            throw MapError(description: "\(path): cannot map an empty or unreadable file")
        }
        let size = Int(st.st_size)
        guard let p = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), p != MAP_FAILED else {
            throw MapError(description: "\(path): mmap failed (\(String(cString: strerror(errno))))")
        }
        base = UnsafeRawPointer(p)
        self.size = size
        self.path = path
    }

    deinit {
        munmap(UnsafeMutableRawPointer(mutating: base), size)
    }

    /// Copies `count` bytes at `offset` (bounds-checked), e.g. for reading a small F32 tensor.
    public func bytes(at offset: Int, count: Int) -> [UInt8] {
        precondition(offset >= 0 && count >= 0 && offset + count <= size, "read past the end of \(path)")
        return [UInt8](UnsafeRawBufferPointer(start: base + offset, count: count))
    }

    /// Reads `count` little-endian float32 values at `offset`.
    public func floats(at offset: Int, count: Int) -> [Float] {
        precondition(offset >= 0 && count >= 0 && offset + count * 4 <= size, "read past the end of \(path)")
        return [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            memcpy(buffer.baseAddress!, base + offset, count * 4)
            initialized = count
        }
    }
}
