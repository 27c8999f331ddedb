/// Finds token ids by their text, compared as raw UTF-8 bytes.
///
/// Why bytes and not a `[String: Int32]`: Swift compares strings by canonical equivalence, so "é"
/// and "e\u{301}" would be the same key, yet they are different tokens. Lookups also take a range
/// of an existing byte array, so the encoders' inner loops search without building a key.
///
/// Layout: every token's bytes concatenated in `storage`, `starts[id]..<starts[id + 1]` is token
/// `id`, and `slots` is an open-addressing hash table (linear probing) of ids, -1 when empty.
/// When two tokens share a text the later id wins, as llama.cpp's `token_to_id` map does.
struct TokenTable: Sendable {
    private let storage: [UInt8]
    private let starts: [Int]
    private let slots: [Int32]
    private let mask: Int

    init(_ texts: [[UInt8]]) {
        var storage: [UInt8] = []
        storage.reserveCapacity(texts.reduce(0) { $0 + $1.count })
        var starts: [Int] = [0]
        starts.reserveCapacity(texts.count + 1)
        for text in texts {
            storage.append(contentsOf: text)
            starts.append(storage.count)
        }
        var capacity = 16
        while capacity < texts.count * 2 { capacity <<= 1 }
        var slots = [Int32](repeating: -1, count: capacity)
        let mask = capacity - 1
        for (id, text) in texts.enumerated() {
            var slot = Int(truncatingIfNeeded: Self.hash(text, 0..<text.count)) & mask
            while slots[slot] >= 0 {
                let other = Int(slots[slot])
                if storage[starts[other]..<starts[other + 1]].elementsEqual(text) { break }
                slot = (slot + 1) & mask
            }
            slots[slot] = Int32(id)
        }
        self.storage = storage
        self.starts = starts
        self.slots = slots
        self.mask = mask
    }

    /// The id of the token whose text is `key[range]`, if any.
    func id(of key: [UInt8], in range: Range<Int>) -> Int32? {
        var slot = Int(truncatingIfNeeded: Self.hash(key, range)) & mask
        while true {
            let id = slots[slot]
            if id < 0 { return nil }
            let start = starts[Int(id)]
            let end = starts[Int(id) + 1]
            if end - start == range.count {
                var equal = true
                var i = start
                var j = range.lowerBound
                while i < end {
                    if storage[i] != key[j] {
                        equal = false
                        break
                    }
                    i += 1
                    j += 1
                }
                if equal { return id }
            }
            slot = (slot + 1) & mask
        }
    }

    /// The id of the token whose text is exactly `key`, if any.
    func id(of key: [UInt8]) -> Int32? {
        id(of: key, in: 0..<key.count)
    }

    /// FNV-1a, 64-bit; the wrapping arithmetic is the algorithm, not an overflow risk.
    private static func hash(_ bytes: [UInt8], _ range: Range<Int>) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for i in range {
            h ^= UInt64(bytes[i])
            h &*= 0x100_0000_01b3
        }
        return h
    }
}
