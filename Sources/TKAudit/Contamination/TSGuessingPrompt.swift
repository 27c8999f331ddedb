/// The TS-Guessing prompts of Deng et al. (CharlesDDDD/LLM_Contamination, QA/TruthfulQA),
/// verbatim — typos, spacing and all — because a probe of memorisation must ask exactly what the
/// published numbers asked.
public enum TSGuessingPrompt {
    /// Question-based, no hint.
    public static func question(masked: String) -> String {
        "Complete the sentence according to the hint in one word: \"\(masked)\"."
    }

    /// Question-based with the source URL as the hint (the hidden word removed from it).
    public static func question(masked: String, urlHint: String) -> String {
        "Complete the sentence according to the hint in one word: [\(masked)]. Hint:[\(urlHint)]. Reply the answer only in one word without full sentence."
    }

    /// Question-multichoice: fill in the blanked wrong option.
    public static func multichoice(sentence: String) -> String {
        "Fill in the content in missing option in [] in the following sentence based on your benchmark knowledge in one sentence.\n\nThe most curcial guideline is to provide a guess different answer from options of A,B,C,D within the following sentence.\n\n sentence: \(sentence) \n\n Give answer directly without explanation."
    }

    /// The lower-cased first word of a reply, without the quotes, brackets and punctuation around
    /// it: what exact match compares (`"Watermelon."` → `watermelon`).
    public static func firstWord(_ reply: String) -> String {
        guard let word = reply.split(whereSeparator: \.isWhitespace).first else { return "" }
        return QuestionMasker.core(word).core.lowercased()
    }
}
