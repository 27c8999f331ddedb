/// rouge-score's default tokenizer (`rouge_score/tokenize.py`) without the stemmer, which is how
/// lm-evaluation-harness builds its `RougeScorer` (`use_stemmer` defaults to `False`).
///
/// rouge-score lowercases the text with Python's `str.lower()`, replaces every run of characters
/// outside `[a-z0-9]` with a space and splits on whitespace. The tokens are therefore exactly the
/// maximal runs of ASCII letters and digits in the lowercased text: accented letters, non-Latin
/// scripts and non-ASCII digits all act as separators ("Qué" gives "qu"; Chinese text gives no
/// tokens at all). This is the paper's metric, warts included; it is why ROUGE on the Spanish or
/// Basque files is much cruder than on English.
///
/// Only two non-ASCII code points lowercase to something containing ASCII letters in Python:
/// U+0130 (İ → "i" + U+0307) and U+212A (Kelvin sign → "k"). They are special-cased here instead
/// of going through Swift's case mapping, so the result does not depend on the Unicode tables
/// of either language.
enum ROUGETokenizer {
    static func tokens(_ scalars: some Sequence<Unicode.Scalar>) -> [[UInt8]] {
        var tokens: [[UInt8]] = []
        var current: [UInt8] = []
        func flush() {
            if !current.isEmpty {
                tokens.append(current)
                current.removeAll(keepingCapacity: true)
            }
        }
        for scalar in scalars {
            switch scalar.value {
            case 0x61...0x7A, 0x30...0x39:  // a–z, 0–9
                current.append(UInt8(scalar.value))
            case 0x41...0x5A:  // A–Z
                current.append(UInt8(scalar.value + 0x20))
            case 0x130:  // İ lowercases to "i" followed by U+0307, which separates.
                current.append(UInt8(ascii: "i"))
                flush()
            case 0x212A:  // Kelvin sign lowercases to "k".
                current.append(UInt8(ascii: "k"))
            default:
                flush()
            }
        }
        flush()
        return tokens
    }
}
