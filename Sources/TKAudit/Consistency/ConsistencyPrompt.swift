/// The prompts of A2C / semantic consistency (Raj et al., ConsistencyBench), verbatim.
public enum ConsistencyPrompt {
    /// Asks for a one-sentence answer (a completion prompt: it begins with a newline).
    public static func answer(question: String) -> String {
        "\nQuestion: \(question)\nAnswer the above question in a single sentence.\nAnswer:"
    }

    /// A2C's re-asking: the earlier answers as options (no letters), plus "Don't know".
    public static func chooseCorrectOption(question: String, options: [String]) -> String {
        "\nQuestion: \(question)\nInstruction: Choose the correct option." + options.map { "\n \($0)" }.joined()
            + "\n Don't know the correct answer" + "\n\nAnswer:"
    }

    /// The LLM agreement question (ConsistencyBench's "Are both of the answers same?"), scored by
    /// comparing the log-probabilities of " Yes" and " No" after it.
    public static func sameAnswer(_ a: String, _ b: String) -> String {
        "Answer 1: \(a)\nAnswer 2: \(b)\nAre both of the answers same?\nAnswer:"
    }

    /// Our paraphrasing instruction (ConsistencyBench's `PP_TEMPLATE` is not in the reference);
    /// sent as a user turn, sampled once per paraphrase.
    public static func paraphrase(question: String) -> String {
        "Paraphrase the following question without changing its meaning. Reply with the paraphrased question only.\nQuestion: \(question)"
    }
}
