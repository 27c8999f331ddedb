/// Byte-level surgery on serialised GGUF images, to make the damaged files the error and fuzz
/// tests need: find a key's value or a tensor's directory fields by its (unique) name, patch them.
public enum GGUFBytes {
    /// Offset of the first byte of `needle` in `haystack`.
    public static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard !needle.isEmpty, needle.count <= haystack.count else { return nil }
        for i in 0...(haystack.count - needle.count) where haystack[i..<(i + needle.count)].elementsEqual(needle) {
            return i
        }
        return nil
    }

    /// Offset of a GGUF string (8-byte length, then UTF-8) whose text is `s`.
    public static func stringOffset(_ s: String, in bytes: [UInt8]) -> Int {
        var needle: [UInt8] = []
        write(UInt64(s.utf8.count), into: &needle)
        needle += Array(s.utf8)
        guard let at = find(needle, in: bytes) else { fatalError("fixture has no string '\(s)'") }
        return at
    }

    /// Offset of the type tag that follows metadata key `key`.
    public static func typeTagOffset(ofKey key: String, in bytes: [UInt8]) -> Int {
        stringOffset(key, in: bytes) + 8 + key.utf8.count
    }

    /// Offset of the value (after the type tag) of metadata key `key`.
    public static func valueOffset(ofKey key: String, in bytes: [UInt8]) -> Int {
        typeTagOffset(ofKey: key, in: bytes) + 4
    }

    /// Offset of the dimension count, type and data offset fields of tensor `name`.
    public static func tensorFields(_ name: String, dims: Int, in bytes: [UInt8]) -> (dimCount: Int, type: Int, dataOffset: Int) {
        let dimCount = stringOffset(name, in: bytes) + 8 + name.utf8.count
        let type = dimCount + 4 + 8 * dims
        return (dimCount, type, type + 4)
    }

    /// Byte offset of the tensor count (u64) and of the metadata count (u64) in the header.
    public static let tensorCountOffset = 8
    public static let metadataCountOffset = 16

    /// Reads a little-endian integer at `at`.
    public static func read<T: FixedWidthInteger>(_: T.Type, at: Int, in bytes: [UInt8]) -> T {
        var v: T = 0
        for i in 0..<MemoryLayout<T>.size { v |= T(truncatingIfNeeded: bytes[at + i]) << (8 * i) }
        return v
    }

    public static func write<T: FixedWidthInteger>(_ value: T, into bytes: inout [UInt8]) {
        for i in 0..<MemoryLayout<T>.size { bytes.append(UInt8(truncatingIfNeeded: value >> (8 * i))) }
    }

    /// Overwrites `bytes[at...]` with `value`, little-endian.
    public static func patch<T: FixedWidthInteger>(_ bytes: inout [UInt8], at: Int, _ value: T) {
        for i in 0..<MemoryLayout<T>.size { bytes[at + i] = UInt8(truncatingIfNeeded: value >> (8 * i)) }
    }
}
