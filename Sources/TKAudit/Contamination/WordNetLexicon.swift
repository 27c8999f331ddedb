import Foundation

/// A part-of-speech guesser from WordNet's index files: a word's tag is the part of speech whose
/// senses SemCor annotators used most (the `tagsense_cnt` field of `index.noun`, `index.verb`,
/// `index.adj`, `index.adv`), after WordNet's own lemmatisation (morphy: exception lists, then
/// suffix rules).
///
/// Why this and not a statistical tagger: TS-Guessing only needs "is this word a noun or an
/// adjective" for content words of short questions; WordNet (Debian `wordnet-base`) is a
/// maintained lexicon that installs with apt and is read at runtime without Python or a model.
/// It is a unigram tagger — it cannot use context — so a word that is usually a verb is never
/// masked even where the question uses it as a noun. Function words (which WordNet partly lists,
/// e.g. "can" and "will" as nouns) are excluded by `QuestionMasker`'s stop list.
public struct WordNetLexicon: Sendable {
    public enum PartOfSpeech: String, Sendable, Codable, CaseIterable {
        case noun, verb, adjective, adverb

        var fileSuffix: String {
            switch self {
            case .noun: "noun"
            case .verb: "verb"
            case .adjective: "adj"
            case .adverb: "adv"
            }
        }
    }

    struct Entry: Sendable {
        var senses: Int
        var taggedSenses: Int
    }

    /// Part of speech → lemma → counts.
    let entries: [PartOfSpeech: [String: Entry]]
    /// Part of speech → inflected form → lemmas (WordNet's `*.exc`, e.g. "men" → "man").
    let exceptions: [PartOfSpeech: [String: [String]]]

    /// The folder Debian's `wordnet-base` installs.
    public static let defaultDirectory = "/usr/share/wordnet"

    /// Reads `index.*` and `*.exc` from `directory`.
    ///
    /// - Throws: `AuditError` `.missingResource` naming the folder and how to install WordNet.
    public init(directory: String = WordNetLexicon.defaultDirectory) throws {
        var entries: [PartOfSpeech: [String: Entry]] = [:]
        var exceptions: [PartOfSpeech: [String: [String]]] = [:]
        for pos in PartOfSpeech.allCases {
            let index = URL(fileURLWithPath: directory).appendingPathComponent("index." + pos.fileSuffix)
            guard let text = try? String(contentsOf: index, encoding: .utf8) else {
                throw AuditError(.missingResource,
                                 "WordNet's \(index.path) is not readable. Install WordNet (Debian/Ubuntu: apt-get install wordnet-base) or pass --wordnet DIR (a folder holding index.noun, index.adj, …).")
            }
            entries[pos] = Self.parseIndex(text)
            let exc = URL(fileURLWithPath: directory).appendingPathComponent(pos.fileSuffix + ".exc")
            if let text = try? String(contentsOf: exc, encoding: .utf8) { exceptions[pos] = Self.parseExceptions(text) }
        }
        self.entries = entries
        self.exceptions = exceptions
    }

    /// A lexicon from in-memory index and exception text (tests, or a trimmed lexicon).
    public init(indexes: [PartOfSpeech: String], exceptions: [PartOfSpeech: String] = [:]) {
        entries = indexes.mapValues(Self.parseIndex)
        self.exceptions = exceptions.mapValues(Self.parseExceptions)
    }

    /// Index line: `lemma pos synset_cnt p_cnt [ptr_symbol…] sense_cnt tagsense_cnt synset_offset…`
    /// (licence lines start with two spaces and are skipped).
    static func parseIndex(_ text: String) -> [String: Entry] {
        var result: [String: Entry] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix(" ") {
            let fields = line.split(separator: " ")
            guard fields.count >= 4, let pointerCount = Int(fields[3]) else { continue }
            let senseField = 4 + pointerCount
            guard fields.count > senseField + 1, let senses = Int(fields[senseField]),
                  let tagged = Int(fields[senseField + 1]) else { continue }
            result[String(fields[0])] = Entry(senses: senses, taggedSenses: tagged)
        }
        return result
    }

    /// Exception line: `inflected lemma [lemma…]`.
    static func parseExceptions(_ text: String) -> [String: [String]] {
        var result: [String: [String]] = [:]
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: " ").map(String.init)
            if fields.count >= 2 { result[fields[0], default: []] += fields.dropFirst() }
        }
        return result
    }

    /// WordNet's suffix rules (morphy's `MORPHOLOGICAL_SUBSTITUTIONS`).
    static let suffixRules: [PartOfSpeech: [(String, String)]] = [
        .noun: [("s", ""), ("ses", "s"), ("ves", "f"), ("xes", "x"), ("zes", "z"), ("ches", "ch"), ("shes", "sh"), ("men", "man"), ("ies", "y")],
        .verb: [("s", ""), ("ies", "y"), ("es", "e"), ("es", ""), ("ed", "e"), ("ed", ""), ("ing", "e"), ("ing", "")],
        .adjective: [("er", ""), ("est", ""), ("er", "e"), ("est", "e")],
        .adverb: [],
    ]

    /// The lemma of `word` as `pos`, when WordNet has one (the word itself, an exception, or a suffix rule's result).
    public func lemma(of word: String, as pos: PartOfSpeech) -> String? {
        let word = word.lowercased()
        guard let index = entries[pos] else { return nil }
        if index[word] != nil { return word }
        if let listed = exceptions[pos]?[word]?.first(where: { index[$0] != nil }) { return listed }
        for (suffix, replacement) in Self.suffixRules[pos] ?? [] where word.hasSuffix(suffix) && word.count > suffix.count {
            let candidate = String(word.dropLast(suffix.count)) + replacement
            if index[candidate] != nil { return candidate }
        }
        return nil
    }

    /// The word's most frequent part of speech: most SemCor-tagged senses, then most senses,
    /// then noun > verb > adjective > adverb. Nil when WordNet does not know the word.
    public func mostFrequentPartOfSpeech(_ word: String) -> PartOfSpeech? {
        var best: (pos: PartOfSpeech, tagged: Int, senses: Int)?
        for pos in PartOfSpeech.allCases {
            guard let lemma = lemma(of: word, as: pos), let entry = entries[pos]?[lemma] else { continue }
            if let current = best, (entry.taggedSenses, entry.senses) <= (current.tagged, current.senses) { continue }
            best = (pos, entry.taggedSenses, entry.senses)
        }
        return best?.pos
    }
}
