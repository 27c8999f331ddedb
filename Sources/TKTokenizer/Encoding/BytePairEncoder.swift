/// Byte-level BPE for one pre-tokenized word at a time, as llama.cpp's `llm_tokenizer_bpe_session`.
///
/// Symbols are identified by integer ids rather than strings: every string that can occur as a
/// symbol (each byte's character, each merge's parts and result) gets the id of the token with that
/// text, or a synthetic id at or above the vocabulary size when no token has it. Two symbols have the
/// same id exactly when they have the same text, so a merge lookup is one dictionary probe on a pair
/// of ints, and the "is this queued merge still current" test compares ids.
struct BytePairEncoder: Sendable {
    private struct Merge: Sendable {
        var rank: Int32
        var result: Int32
    }

    private let merges: [UInt64: Merge]
    /// The symbol id of each byte's GPT-2 character.
    private let byteSymbols: [Int32]
    /// What a byte turns into when it ends up in a symbol with no token (llama.cpp looks each byte
    /// of the symbol's text up as a one-byte token, so only printable ASCII survives).
    private let byteFallback: [[Int32]]
    private let vocabularySize: Int32
    private let table: TokenTable
    private let ignoresMerges: Bool

    /// - Parameters:
    ///   - vocabularySize: number of tokens; ids at or above it are synthetic.
    ///   - table: token texts (in the GPT-2 byte encoding) to ids.
    ///   - merges: `tokenizer.ggml.merges`, "left right" per entry, highest priority first. When a
    ///     pair appears twice the first rank counts, as in llama.cpp.
    init(vocabularySize: Int, table: TokenTable, merges: [String], ignoresMerges: Bool) {
        self.vocabularySize = Int32(vocabularySize)
        self.table = table
        self.ignoresMerges = ignoresMerges

        var synthetic: [[UInt8]: Int32] = [:]
        var nextSynthetic = Int32(vocabularySize)
        func symbolID(_ text: [UInt8]) -> Int32 {
            if let id = table.id(of: text) { return id }
            if let id = synthetic[text] { return id }
            let id = nextSynthetic
            nextSynthetic += 1
            synthetic[text] = id
            return id
        }

        byteSymbols = (0..<256).map { symbolID(ByteLevelMapping.utf8[$0]) }
        byteFallback = (0..<256).map { b in ByteLevelMapping.utf8[b].compactMap { table.id(of: [$0]) } }

        var ranks: [UInt64: Merge] = [:]
        ranks.reserveCapacity(merges.count)
        for (rank, merge) in merges.enumerated() {
            let text = Array(merge.utf8)
            // llama.cpp splits at the first space after the first byte.
            guard text.count >= 3, let space = text[1...].firstIndex(of: 0x20), space + 1 < text.count else { continue }
            let left = Array(text[..<space])
            let right = Array(text[(space + 1)...])
            let key = Self.key(symbolID(left), symbolID(right))
            if ranks[key] == nil {
                ranks[key] = Merge(rank: Int32(rank), result: symbolID(left + right))
            }
        }
        self.merges = ranks
    }

    /// Reusable buffers, so encoding a long text allocates once, not once per word.
    struct Scratch {
        fileprivate var ids: [Int32] = []
        fileprivate var lengths: [Int] = []
        fileprivate var previous: [Int] = []
        fileprivate var next: [Int] = []
        fileprivate var queue = PriorityQueue<Bigram>()
        fileprivate var encoded: [UInt8] = []

        init() {}
    }

    /// A candidate merge of two adjacent symbols; the lowest rank merges first, then the leftmost.
    fileprivate struct Bigram: Comparable {
        var rank: Int32
        var left: Int32
        var right: Int32
        var leftID: Int32
        var rightID: Int32
        var result: Int32

        static func < (a: Bigram, b: Bigram) -> Bool {
            a.rank < b.rank || (a.rank == b.rank && a.left < b.left)
        }

        static func == (a: Bigram, b: Bigram) -> Bool {
            a.rank == b.rank && a.left == b.left
        }
    }

    /// Appends the tokens of the word `bytes[word]` (raw UTF-8, one pre-tokenizer piece) to `out`.
    func encodeWord(_ bytes: [UInt8], _ word: Range<Int>, scratch: inout Scratch, into out: inout [Int32]) {
        let count = word.count
        guard count > 0 else { return }

        if ignoresMerges {
            scratch.encoded.removeAll(keepingCapacity: true)
            for i in word { scratch.encoded.append(contentsOf: ByteLevelMapping.utf8[Int(bytes[i])]) }
            if let id = table.id(of: scratch.encoded) {
                out.append(id)
                return
            }
        }
        if count == 1 {
            emitSymbol(byteSymbols[Int(bytes[word.lowerBound])], bytes, word, into: &out)
            return
        }

        scratch.ids.removeAll(keepingCapacity: true)
        scratch.lengths.removeAll(keepingCapacity: true)
        scratch.previous.removeAll(keepingCapacity: true)
        scratch.next.removeAll(keepingCapacity: true)
        scratch.queue.removeAll()
        for k in 0..<count {
            scratch.ids.append(byteSymbols[Int(bytes[word.lowerBound + k])])
            scratch.lengths.append(1)
            scratch.previous.append(k - 1)
            scratch.next.append(k + 1 < count ? k + 1 : -1)
        }
        for k in 1..<count { addBigram(k - 1, k, &scratch) }

        while let bigram = scratch.queue.pop() {
            let left = Int(bigram.left)
            let right = Int(bigram.right)
            // Skip merges made stale by an earlier merge of either symbol.
            guard scratch.lengths[left] > 0, scratch.lengths[right] > 0, scratch.next[left] == right,
                  scratch.ids[left] == bigram.leftID, scratch.ids[right] == bigram.rightID else { continue }
            scratch.ids[left] = bigram.result
            scratch.lengths[left] += scratch.lengths[right]
            scratch.lengths[right] = 0
            let after = scratch.next[right]
            scratch.next[left] = after
            if after >= 0 { scratch.previous[after] = left }
            addBigram(scratch.previous[left], left, &scratch)
            addBigram(left, after, &scratch)
        }

        var k = 0
        while k != -1 {
            let start = word.lowerBound + k
            emitSymbol(scratch.ids[k], bytes, start..<start + scratch.lengths[k], into: &out)
            k = scratch.next[k]
        }
    }

    private func addBigram(_ left: Int, _ right: Int, _ scratch: inout Scratch) {
        guard left >= 0, right >= 0 else { return }
        let leftID = scratch.ids[left]
        let rightID = scratch.ids[right]
        guard let merge = merges[Self.key(leftID, rightID)] else { return }
        scratch.queue.push(Bigram(rank: merge.rank, left: Int32(left), right: Int32(right),
                                  leftID: leftID, rightID: rightID, result: merge.result))
    }

    private func emitSymbol(_ id: Int32, _ bytes: [UInt8], _ range: Range<Int>, into out: inout [Int32]) {
        if id < vocabularySize {
            out.append(id)
        } else {
            for i in range { out.append(contentsOf: byteFallback[Int(bytes[i])]) }
        }
    }

    private static func key(_ left: Int32, _ right: Int32) -> UInt64 {
        UInt64(UInt32(bitPattern: left)) << 32 | UInt64(UInt32(bitPattern: right))
    }
}
