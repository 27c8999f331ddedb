/// sacreBLEU's `intl` tokenizer (`TokenizerV14International`, after mteval-v14.pl), which
/// lm-evaluation-harness uses for TruthfulQA's BLEU.
///
/// sacreBLEU applies three regular expressions in turn and then collapses whitespace:
///
/// 1. `(\P{N})(\p{P})` → `\1 \2 `: a punctuation mark after a non-number gets spaces around it;
/// 2. `(\p{P})(\P{N})` → ` \1 \2`: a punctuation mark before a non-number likewise;
/// 3. `(\p{S})` → ` \1 `: every symbol is split off;
///
/// then `' '.join(line.split())`. So "3.14" stays one token (the dot sits between digits), while
/// "1961." at the very end also stays one token, a quirk of the original script that sacreBLEU
/// keeps on purpose. Each substitution is `re.sub`: matches are found left to right and do not
/// overlap, so after a two-character match the scan resumes behind both characters. That is why
/// this is written as three passes over the code points and not as one classification per
/// character: "a.." tokenises differently from what a per-character rule would give.
///
/// `\p{N}`, `\p{P}` and `\p{S}` are the Unicode general categories Number (Nd, Nl, No),
/// Punctuation (Pc, Pd, Ps, Pe, Pi, Pf, Po) and Symbol (Sm, Sc, Sk, So), read from
/// `Unicode.Scalar.Properties.generalCategory`. `\P{N}` matches any code point that is not a
/// number, whitespace and line breaks included.
enum InternationalTokenizer {
    /// The tokens of one segment, after sacreBLEU's `_preprocess_segment` (which `rstrip`s the
    /// segment before tokenising; trailing whitespace would otherwise change what rule 2 matches).
    static func tokens(_ text: String) -> [[Unicode.Scalar]] {
        var line = Array(PythonText.rstrip(Array(text.unicodeScalars)))
        line = substitutePairs(line) { first, second in !isNumber(first) && isPunctuation(second) }
            replacement: { first, second in [first, " ", second, " "] }
        line = substitutePairs(line) { first, second in isPunctuation(first) && !isNumber(second) }
            replacement: { first, second in [" ", first, " ", second] }
        var spaced: [Unicode.Scalar] = []
        spaced.reserveCapacity(line.count + line.count / 2)
        for scalar in line {
            if isSymbol(scalar) {
                spaced.append(" ")
                spaced.append(scalar)
                spaced.append(" ")
            } else {
                spaced.append(scalar)
            }
        }
        return PythonText.split(spaced)
    }

    /// `re.sub` with a two-code-point pattern: left to right, non-overlapping.
    private static func substitutePairs(
        _ line: [Unicode.Scalar],
        matches: (Unicode.Scalar, Unicode.Scalar) -> Bool,
        replacement: (Unicode.Scalar, Unicode.Scalar) -> [Unicode.Scalar]
    ) -> [Unicode.Scalar] {
        var result: [Unicode.Scalar] = []
        result.reserveCapacity(line.count + line.count / 2)
        var index = 0
        while index < line.count {
            if index + 1 < line.count, matches(line[index], line[index + 1]) {
                result.append(contentsOf: replacement(line[index], line[index + 1]))
                index += 2
            } else {
                result.append(line[index])
                index += 1
            }
        }
        return result
    }

    static func isNumber(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .decimalNumber, .letterNumber, .otherNumber: true
        default: false
        }
    }

    static func isPunctuation(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
             .initialPunctuation, .finalPunctuation, .otherPunctuation:
            true
        default:
            false
        }
    }

    static func isSymbol(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .mathSymbol, .currencySymbol, .modifierSymbol, .otherSymbol: true
        default: false
        }
    }
}
