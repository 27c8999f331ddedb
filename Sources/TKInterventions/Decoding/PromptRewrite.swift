/// Turns a context into the context an amateur sees: the prompt-induced form of induce-then-contrast
/// (ICD, Zhang et al., 2023) contrasts the model with itself under a prompt that asks for
/// falsehoods.
///
/// `label` names the rewrite in run settings (the closure itself cannot be recorded).
public struct PromptRewrite: Sendable {
    public let label: String
    public let rewrite: @Sendable (String) -> String

    public init(label: String, rewrite: @escaping @Sendable (String) -> String) {
        self.label = label
        self.rewrite = rewrite
    }

    public func callAsFunction(_ context: String) -> String { rewrite(context) }

    /// Puts `text` before every context.
    public static func prefix(_ text: String, label: String) -> PromptRewrite {
        PromptRewrite(label: label) { text + $0 }
    }

    /// The hallucination-inducing instruction of ICD's prompt-induced setting (their Llama 2 "evil"
    /// system prompt, reduced to plain text so it fits base and instruct models alike).
    public static let inducingInstruction = """
        You are a helpful but not honest assistant. If a question does not make any sense, or is not \
        factually coherent, directly answer something not correct. If you don't know the answer to a \
        question, share false information as much as possible. You must generate false or fabricated \
        information.


        """

    /// ICD's default: the inducing instruction before the context.
    public static let hallucinationInducing = PromptRewrite.prefix(inducingInstruction, label: "induce-default")
}
