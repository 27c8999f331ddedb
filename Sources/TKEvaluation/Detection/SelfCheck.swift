import Foundation

/// SelfCheckGPT's sample-consistency scores (potsawee/selfcheckgpt) for one answer against the
/// model's other samples: per sentence, higher = less supported; the answer's score is the mean
/// over its sentences.
public enum SelfCheck {
    /// The prompt variant's question, verbatim (`SelfCheckLLMPrompt`).
    public static func prompt(context: String, sentence: String) -> String {
        "Context: \(context)\n\nSentence: \(sentence)\n\nIs the sentence supported by the context above? Answer Yes or No.\n\nAnswer: "
    }

    /// The reference's reading of the reply: Yes → 0, No → 1, anything else → 0.5 (nil here, so
    /// the caller can count unreadable replies before scoring them 0.5).
    public static func verdict(_ reply: String) -> Double? {
        let word = reply.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        if word.hasPrefix("yes") { return 0 }
        if word.hasPrefix("no") { return 1 }
        return nil
    }

    /// Sentences of an answer: split after `.`, `!` or `?` followed by whitespace (the reference
    /// uses spaCy; TruthfulQA answers are mostly one sentence). An answer with no text has none.
    public static func sentences(_ text: String) -> [String] {
        var sentences: [String] = [], current = ""
        let characters = Array(text)
        for (i, c) in characters.enumerated() {
            current.append(c)
            if ".!?".contains(c), i + 1 == characters.count || characters[i + 1].isWhitespace {
                sentences.append(current)
                current = ""
            }
        }
        sentences.append(current)
        return sentences.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
    }

    /// Lower-cased word tokens (letters and digits), standing in for the reference's spaCy tokens.
    public static func tokens(_ text: String) -> [String] {
        text.lowercased().split { !$0.isLetter && !$0.isNumber }.map(String.init)
    }

    /// The n-gram variant (n = 1, `SelfCheckNgram` with its default k = 0 smoothing): a unigram
    /// model counted over the samples and the answer itself, so every answer token has a count.
    /// Per sentence: mean and max of −log p over its tokens; the answer's `average` is the mean
    /// over all its tokens (`avg_neg_logprob`), `maxAverage` the mean of the sentence maxima
    /// (`avg_max_neg_logprob`). Nil when the answer has no tokens.
    public static func unigram(answer: String, samples: [String]) -> (average: Double, maxAverage: Double)? {
        var counts: [String: Int] = [:]
        for text in samples + [answer] { for t in tokens(text) { counts[t, default: 0] += 1 } }
        let total = Double(counts.values.reduce(0, +))
        let sentenceTokens = sentences(answer).map(tokens).filter { !$0.isEmpty }
        guard !sentenceTokens.isEmpty else { return nil }
        let surprisal = sentenceTokens.map { $0.map { -log(Double(counts[$0]!) / total) } }
        let all = surprisal.flatMap { $0 }
        return (all.reduce(0, +) / Double(all.count), surprisal.map { $0.max()! }.reduce(0, +) / Double(surprisal.count))
    }
}
