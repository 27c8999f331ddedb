/// One regex of a pre-tokenizer's list, implemented as a scanner.
///
/// Applying a rule to a piece keeps llama.cpp's `unicode_regex_split` semantics: matches become
/// pieces, and the text between matches (which the regex did not match) becomes pieces too.
enum SplitRule: Sendable, Equatable {
    /// `\p{N}`: each number code point alone.
    case isolatedNumbers
    /// The GPT-2 regex, as llama.cpp's `unicode_regex_split_custom_gpt2`.
    case gpt2
    /// The Llama 3 regex (`maxDigits` 3) or the Qwen 2 one (`maxDigits` 1), as llama.cpp's
    /// `unicode_regex_split_custom_llama3` / `_qwen2`.
    case llama3(maxDigits: Int)
    /// `[\p{P}\$\+<=>\^~\|]+`: runs of punctuation and those eight ASCII symbols.
    case punctuationRuns
    /// `\p{N}+`: runs of number code points.
    case numberRuns
    /// `[0-9][0-9][0-9]`: ASCII digit triples, leftmost first.
    case asciiDigitTriples

    /// Re-splits each piece of `pieces` (lengths in code points, in order) and returns the new
    /// lengths.
    func split(_ text: ScalarText, pieces: [Int]) -> [Int] {
        var out: [Int] = []
        out.reserveCapacity(pieces.count * 2)
        var start = 0
        for length in pieces {
            let end = start + length
            switch self {
            case .gpt2: Self.splitGPT2(text, start, end, into: &out)
            case .llama3(let maxDigits): Self.splitLlama3(text, start, end, maxDigits: maxDigits, into: &out)
            case .isolatedNumbers, .punctuationRuns, .numberRuns, .asciiDigitTriples:
                splitByClass(text, start, end, into: &out)
            }
            start = end
        }
        return out
    }
}
