/// SentencePiece-style BPE, as llama.cpp's `llm_tokenizer_spm_session`.
///
/// The text (spaces already replaced by "▁") starts as one symbol per UTF-8 character; the adjacent
/// pair whose concatenation is the highest-scoring token merges first (ties: leftmost), until no
/// adjacent pair forms a token. A final symbol with no token is spelled out as byte tokens.
struct SentencePieceEncoder: Sendable {
    private let table: TokenTable
    private let scores: [Float]
    /// The token for each byte: `<0xXX>`, else the one-byte text, else the unknown token; -1 when
    /// none exists (the byte is then dropped — llama.cpp would abort).
    private let byteTokens: [Int32]

    init(table: TokenTable, scores: [Float], unknownID: Int32?) {
        self.table = table
        self.scores = scores
        let hex = Array("0123456789ABCDEF".utf8)
        byteTokens = (0..<256).map { b in
            let name: [UInt8] = [0x3C, 0x30, 0x78, hex[b >> 4], hex[b & 15], 0x3E]  // <0xXX>
            return table.id(of: name) ?? table.id(of: [UInt8(b)]) ?? unknownID ?? -1
        }
    }

    /// Reusable buffers, so encoding allocates once per call, not once per fragment.
    struct Scratch {
        fileprivate var starts: [Int] = []
        fileprivate var lengths: [Int] = []
        fileprivate var previous: [Int] = []
        fileprivate var next: [Int] = []
        fileprivate var queue = PriorityQueue<Bigram>()

        init() {}
    }

    /// A candidate merge; the highest score merges first, then the leftmost.
    fileprivate struct Bigram: Comparable {
        var score: Float
        var left: Int32
        var right: Int32
        var size: Int32

        static func < (a: Bigram, b: Bigram) -> Bool {
            a.score > b.score || (a.score == b.score && a.left < b.left)
        }

        static func == (a: Bigram, b: Bigram) -> Bool {
            a.score == b.score && a.left == b.left
        }
    }

    /// Appends the tokens of `text` (escaped UTF-8) to `out`.
    func encode(_ text: [UInt8], scratch: inout Scratch, into out: inout [Int32]) {
        guard !text.isEmpty else { return }
        scratch.starts.removeAll(keepingCapacity: true)
        scratch.lengths.removeAll(keepingCapacity: true)
        scratch.previous.removeAll(keepingCapacity: true)
        scratch.next.removeAll(keepingCapacity: true)
        scratch.queue.removeAll()

        var offset = 0
        var index = 0
        while offset < text.count {
            let length = min(Self.sequenceLength(text[offset]), text.count - offset)
            scratch.starts.append(offset)
            scratch.lengths.append(length)
            scratch.previous.append(index - 1)
            offset += length
            scratch.next.append(offset == text.count ? -1 : index + 1)
            index += 1
        }
        for i in 1..<max(index, 1) { tryAddBigram(i - 1, i, text, &scratch) }

        while let bigram = scratch.queue.pop() {
            let left = Int(bigram.left)
            let right = Int(bigram.right)
            guard scratch.lengths[left] > 0, scratch.lengths[right] > 0,
                  scratch.lengths[left] + scratch.lengths[right] == Int(bigram.size) else { continue }
            scratch.lengths[left] += scratch.lengths[right]
            scratch.lengths[right] = 0
            let after = scratch.next[right]
            scratch.next[left] = after
            if after >= 0 { scratch.previous[after] = left }
            tryAddBigram(scratch.previous[left], left, text, &scratch)
            tryAddBigram(left, after, text, &scratch)
        }

        var i = 0
        while i != -1 {
            let range = scratch.starts[i]..<scratch.starts[i] + scratch.lengths[i]
            if let id = table.id(of: text, in: range) {
                out.append(id)
            } else {
                for k in range where byteTokens[Int(text[k])] >= 0 {
                    out.append(byteTokens[Int(text[k])])
                }
            }
            i = scratch.next[i]
        }
    }

    private func tryAddBigram(_ left: Int, _ right: Int, _ text: [UInt8], _ scratch: inout Scratch) {
        guard left >= 0, right >= 0 else { return }
        let start = scratch.starts[left]
        let size = scratch.lengths[left] + scratch.lengths[right]
        guard let id = table.id(of: text, in: start..<start + size) else { return }
        scratch.queue.push(Bigram(score: scores[Int(id)], left: Int32(left), right: Int32(right), size: Int32(size)))
    }

    /// Bytes in the UTF-8 sequence a lead byte starts (llama.cpp's `unicode_len_utf8`; a stray
    /// continuation byte counts as one).
    private static func sequenceLength(_ lead: UInt8) -> Int {
        switch lead >> 4 {
        case 0xC, 0xD: 2
        case 0xE: 3
        case 0xF: 4
        default: 1
        }
    }
}
