/// A text fragment decoded once into code points, their classes, and their UTF-8 offsets, so the
/// pre-tokenizer can scan by code point while BPE slices the original bytes.
struct ScalarText {
    /// Code points of the fragment.
    private(set) var scalars: [UInt32] = []
    /// `flags[i]` classifies `scalars[i]`.
    private(set) var flags: [CharacterFlags] = []
    /// `byteOffsets[i]` is where `scalars[i]` starts in the source byte array; one extra entry
    /// holds the end, so code points `i..<j` are bytes `byteOffsets[i]..<byteOffsets[j]`.
    private(set) var byteOffsets: [Int] = []

    var count: Int { scalars.count }

    /// Decodes `bytes[range]`, reusing this value's storage.
    ///
    /// - Precondition: the range holds well-formed UTF-8 that starts and ends on code point
    ///   boundaries (it comes from a Swift `String`, split only at whole special tokens).
    mutating func load(_ bytes: [UInt8], _ range: Range<Int>) {
        scalars.removeAll(keepingCapacity: true)
        flags.removeAll(keepingCapacity: true)
        byteOffsets.removeAll(keepingCapacity: true)
        var i = range.lowerBound
        let end = range.upperBound
        while i < end {
            let b0 = UInt32(bytes[i])
            let value: UInt32
            let length: Int
            if b0 < 0x80 {
                value = b0
                length = 1
            } else if b0 < 0xE0 {
                value = (b0 & 0x1F) << 6 | UInt32(bytes[i + 1] & 0x3F)
                length = 2
            } else if b0 < 0xF0 {
                value = (b0 & 0x0F) << 12 | UInt32(bytes[i + 1] & 0x3F) << 6 | UInt32(bytes[i + 2] & 0x3F)
                length = 3
            } else {
                value = (b0 & 0x07) << 18 | UInt32(bytes[i + 1] & 0x3F) << 12
                    | UInt32(bytes[i + 2] & 0x3F) << 6 | UInt32(bytes[i + 3] & 0x3F)
                length = 4
            }
            scalars.append(value)
            flags.append(CharacterFlags.of(value))
            byteOffsets.append(i)
            i += length
        }
        byteOffsets.append(end)
    }
}
