/// Token ids and n-gram counts, shared by BLEU and ROUGE.
///
/// Tokens are interned to small integers first, so that an n-gram is an `[Int]` and comparing or
/// hashing one never goes through `String` (whose equality is canonical equivalence, not the
/// code-point equality that the Python references use).
struct TokenVocabulary<Token: Hashable> {
    private var ids: [Token: Int] = [:]

    /// The id of `token`, assigning the next free one on first sight.
    mutating func id(_ token: Token) -> Int {
        if let id = ids[token] { return id }
        let id = ids.count
        ids[token] = id
        return id
    }

    mutating func ids(_ tokens: [Token]) -> [Int] {
        tokens.map { id($0) }
    }
}

/// How often each n-gram of one order occurs in a token sequence (Python's
/// `Counter(tuple(tokens[i:i + n]) for i in range(len(tokens) - n + 1))`).
struct NGramCounts {
    private(set) var counts: [ArraySlice<Int>: Int] = [:]
    /// The number of n-grams counted, repeats included.
    private(set) var total = 0

    init(_ tokens: [Int], order: Int) {
        guard order > 0, tokens.count >= order else { return }
        for start in 0...(tokens.count - order) {
            counts[tokens[start..<(start + order)], default: 0] += 1
        }
        total = tokens.count - order + 1
    }

    subscript(ngram: ArraySlice<Int>) -> Int { counts[ngram] ?? 0 }

    /// The clipped overlap `Σ min(count here, count there)` over this side's n-grams.
    func overlap(with other: NGramCounts) -> Int {
        var overlap = 0
        for (ngram, count) in counts {
            overlap += min(count, other[ngram])
        }
        return overlap
    }
}
