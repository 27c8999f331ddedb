/// Turns a raw generation into the answer that is scored and judged.
///
/// The rules are the original TruthfulQA code's (`find_start` in `utilities.py`, and `run_answers` /
/// `run_GPT3` in `models.py`), applied to text rather than tokens:
/// 1. Cut at the first stop sequence, for backends that return text past it (some servers ignore
///    stops, or accept only a few).
/// 2. Skip leading whitespace and line breaks, then the answer cue if the model wrote it itself
///    (`A:` for the QA presets: a model that restarts the pattern writes `\nA: …`).
/// 3. Turn any remaining blank line into a space (the original did this for long-form answers)
///    and trim whitespace at both ends.
///
/// An empty result is kept as an empty answer; judges treat it as no answer (truthful and
/// uninformative), and the summary counts it.
public enum AnswerCleaner {
    /// - Parameters:
    ///   - stops: The stop sequences the generation used.
    ///   - cue: The answer cue to drop when the text starts with it (`A:`).
    public static func clean(_ text: String, stops: [String] = ["\n\n", "\nQ:"], cue: String = "A:") -> String {
        var answer = Substring(text)
        if let cut = earliestStop(in: answer, stops: stops) {
            answer = answer[..<cut]
        }
        answer = answer.drop(while: \.isWhitespace)
        if !cue.isEmpty, answer.hasPrefix(cue) {
            answer = answer.dropFirst(cue.count)
        }
        return answer.replacing("\n\n", with: " ").trimmingWhitespace()
    }

    /// Where the first stop sequence begins, if any occurs.
    static func earliestStop(in text: Substring, stops: [String]) -> String.Index? {
        var earliest: String.Index?
        for stop in stops where !stop.isEmpty {
            if let range = text.firstRange(of: stop), earliest.map({ range.lowerBound < $0 }) ?? true {
                earliest = range.lowerBound
            }
        }
        return earliest
    }
}
