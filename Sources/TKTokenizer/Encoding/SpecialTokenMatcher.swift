/// Cuts input text around special-token texts, as llama.cpp's `tokenizer_st_partition`.
///
/// Candidates are the control, unknown and user-defined tokens, tried longest text first; each one
/// splits every remaining text fragment at all its occurrences. Control and unknown tokens are only
/// candidates when the caller asks to parse special tokens; user-defined tokens always are, because
/// they stand for text the model was taught to see as one token (llama.cpp and Hugging Face agree).
struct SpecialTokenMatcher: Sendable {
    enum Fragment: Equatable {
        /// A byte range of the input still to be tokenized normally.
        case text(Range<Int>)
        /// A special token matched in the input.
        case token(Int32)
    }

    private struct Candidate: Sendable {
        var id: Int32
        var text: [UInt8]
        var alwaysMatched: Bool
    }

    private let candidates: [Candidate]
    private let hasAlwaysMatched: Bool

    /// - Parameter specials: (id, text, is user-defined) for each control, unknown and user-defined
    ///   token. Empty texts are ignored.
    init(_ specials: [(id: Int32, text: [UInt8], userDefined: Bool)]) {
        // Longest first; among equal lengths, lower id first, so the order is deterministic.
        candidates = specials.filter { !$0.text.isEmpty }
            .map { Candidate(id: $0.id, text: $0.text, alwaysMatched: $0.userDefined) }
            .sorted { $0.text.count != $1.text.count ? $0.text.count > $1.text.count : $0.id < $1.id }
        hasAlwaysMatched = candidates.contains { $0.alwaysMatched }
    }

    /// Splits `bytes` into text fragments and special tokens, in order.
    func partition(_ bytes: [UInt8], parseSpecial: Bool) -> [Fragment] {
        guard !bytes.isEmpty else { return [] }
        var fragments: [Fragment] = [.text(0..<bytes.count)]
        guard parseSpecial || hasAlwaysMatched else { return fragments }
        for candidate in candidates where parseSpecial || candidate.alwaysMatched {
            var next: [Fragment] = []
            next.reserveCapacity(fragments.count)
            for fragment in fragments {
                guard case .text(let range) = fragment else {
                    next.append(fragment)
                    continue
                }
                var start = range.lowerBound
                while let match = Self.find(candidate.text, in: bytes, from: start, to: range.upperBound) {
                    if match > start { next.append(.text(start..<match)) }
                    next.append(.token(candidate.id))
                    start = match + candidate.text.count
                }
                if start < range.upperBound { next.append(.text(start..<range.upperBound)) }
            }
            fragments = next
        }
        return fragments
    }

    /// First offset in `from..<to` where `needle` occurs entirely inside the range.
    private static func find(_ needle: [UInt8], in bytes: [UInt8], from: Int, to: Int) -> Int? {
        let first = needle[0]
        let last = to - needle.count
        guard from <= last else { return nil }
        var i = from
        while i <= last {
            if bytes[i] == first {
                var k = 1
                while k < needle.count && bytes[i + k] == needle[k] { k += 1 }
                if k == needle.count { return i }
            }
            i += 1
        }
        return nil
    }
}
