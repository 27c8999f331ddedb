import TKRandom

/// TS-Guessing's question masking (Deng et al.): which questions qualify, and which word of a
/// question is hidden.
///
/// A question qualifies when it has more than four words and its category is not one of the
/// "Indexical Error" ones (their answers depend on who and when, not on the benchmark). One noun
/// or adjective, chosen at random with a seed derived from the run seed and the item's index, is
/// replaced by `()`; punctuation around it stays.
public struct QuestionMasker: Sendable {
    /// The mask that replaces the hidden word, as in the reference notebooks.
    public static let mask = "()"
    /// Questions with at most this many words are left out.
    public static let minimumWordsExcluded = 4

    public let lexicon: WordNetLexicon
    public let seed: UInt64

    public init(lexicon: WordNetLexicon, seed: UInt64 = 0) {
        self.lexicon = lexicon
        self.seed = seed
    }

    /// Why a question was left out, or nil when it qualifies.
    public enum Exclusion: String, Sendable, Codable {
        case tooShort = "at most 4 words"
        case indexicalError = "Indexical Error category"
        case noCandidate = "no noun or adjective to mask"
    }

    /// One masked question.
    public struct Masked: Sendable, Codable, Equatable {
        public var maskedQuestion: String
        /// The hidden word as written in the question.
        public var answer: String
        /// Its 0-based position among the question's whitespace-separated words.
        public var wordIndex: Int
        public var partOfSpeech: String
    }

    /// Words of closed classes (pronouns, determiners, auxiliaries, prepositions, conjunctions,
    /// question words) that WordNet partly lists as nouns ("can", "will", "who", "us", "a") but a
    /// tagger never calls nouns.
    static let functionWords: Set<String> = [
        "a", "an", "the", "this", "that", "these", "those", "some", "any", "all", "each", "every", "no", "none", "both",
        "either", "neither", "much", "many", "more", "most", "few", "less", "least", "other", "another", "such", "own",
        "i", "me", "my", "mine", "you", "your", "yours", "he", "him", "his", "she", "her", "hers", "it", "its", "we",
        "us", "our", "ours", "they", "them", "their", "theirs", "one", "ones", "someone", "anyone", "everyone",
        "something", "anything", "everything", "nothing", "somebody", "anybody", "everybody", "nobody",
        "who", "whom", "whose", "what", "which", "when", "where", "why", "how", "whether",
        "is", "am", "are", "was", "were", "be", "been", "being", "do", "does", "did", "done", "have", "has", "had",
        "can", "could", "will", "would", "shall", "should", "may", "might", "must", "ought",
        "of", "in", "on", "at", "by", "for", "with", "about", "against", "between", "into", "through", "during",
        "before", "after", "above", "below", "to", "from", "up", "down", "out", "off", "over", "under", "again",
        "than", "then", "once", "here", "there", "and", "but", "or", "nor", "so", "yet", "if", "because", "as",
        "until", "while", "not", "only", "very", "too", "just", "also", "even", "still", "ever", "never", "same",
        "like", "unlike", "since", "per", "via", "without", "within", "among", "upon", "s", "t", "don", "won",
    ]

    /// Why `question` (in `category`) is left out, or nil when it qualifies for masking.
    public func exclusion(question: String, category: String?) -> Exclusion? {
        if let category, category.hasPrefix("Indexical Error") { return .indexicalError }
        if Self.words(question).count <= Self.minimumWordsExcluded { return .tooShort }
        if candidates(question).isEmpty { return .noCandidate }
        return nil
    }

    /// The question's whitespace-separated words.
    static func words(_ question: String) -> [Substring] {
        question.split(whereSeparator: \.isWhitespace)
    }

    /// A word's letters without the punctuation around it ("seeds?" → "seeds", "\"Jaws\"" → "Jaws").
    static func core(_ word: Substring) -> (prefix: Substring, core: Substring, suffix: Substring) {
        let start = word.firstIndex(where: \.isLetter) ?? word.endIndex
        let end = word.lastIndex(where: \.isLetter).map { word.index(after: $0) } ?? start
        return (word[word.startIndex..<start], word[start..<end], word[end..<word.endIndex])
    }

    /// Positions of the words that may be masked, with their part of speech: nouns and adjectives
    /// by WordNet, and capitalised words WordNet does not know after the first (proper nouns, as
    /// a tagger's NNP), never function words.
    public func candidates(_ question: String) -> [(index: Int, pos: String)] {
        var result: [(Int, String)] = []
        for (index, word) in Self.words(question).enumerated() {
            let core = Self.core(word).core
            guard core.count >= 2, core.allSatisfy({ $0.isLetter || $0 == "-" || $0 == "'" }),
                  !Self.functionWords.contains(core.lowercased()) else { continue }
            switch lexicon.mostFrequentPartOfSpeech(String(core)) {
            case .noun: result.append((index, "noun"))
            case .adjective: result.append((index, "adjective"))
            case nil where index > 0 && core.first!.isUppercase: result.append((index, "proper noun"))
            default: continue
            }
        }
        return result
    }

    /// The masked question for item `itemIndex`, or nil when it has no candidate word.
    public func mask(question: String, itemIndex: Int) -> Masked? {
        let candidates = candidates(question)
        guard !candidates.isEmpty else { return nil }
        // One stream per item, so the choice does not depend on which other items are run.
        var generator = SplitMix64(seed: seed, item: itemIndex)
        let chosen = candidates[generator.index(below: candidates.count)]
        var words = Self.words(question).map(String.init)
        let parts = Self.core(Self.words(question)[chosen.index])
        words[chosen.index] = parts.prefix + Self.mask + parts.suffix
        return Masked(maskedQuestion: words.joined(separator: " "), answer: String(parts.core), wordIndex: chosen.index,
                      partOfSpeech: chosen.pos)
    }

    /// The item's source URL with every occurrence of the hidden word removed (case-insensitive),
    /// so the hint cannot spell out the answer.
    public static func hint(source: String, removing answer: String) -> String {
        guard !answer.isEmpty else { return source }
        var text = source
        while let range = text.range(of: answer, options: .caseInsensitive) { text.removeSubrange(range) }
        return text
    }
}
