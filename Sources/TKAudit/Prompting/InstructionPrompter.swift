import TKBenchmarks

/// Turns an instruction into the text a model is asked to continue: the instruction as the user
/// turn of the model's chat template (what the reference prompts were written for: chat models),
/// or the raw instruction followed by a newline for models without one.
public struct InstructionPrompter: Sendable {
    public let chat: (any ChatRenderer)?

    public init(chat: (any ChatRenderer)? = nil) {
        self.chat = chat
    }

    /// Recorded in run keys: `raw`, or the template's id.
    public var id: String { chat.map { "chat:" + $0.templateID } ?? "raw" }

    public func render(_ instruction: String) throws -> String {
        guard let chat else { return instruction + "\n" }
        return try chat.render(messages: [(role: "user", content: instruction)], addGenerationPrompt: true)
    }

    /// A prompt the model completes where it ends (a reference prompt ending in `Answer:`): as
    /// written when raw, else as the user turn. Instruct models given the raw text mostly end their
    /// turn at once (SmolLM2 answered 59 of 100 consistency prompts with nothing but EOS).
    public func completion(_ prompt: String) throws -> String {
        guard let chat else { return prompt }
        return try chat.render(messages: [(role: "user", content: prompt)], addGenerationPrompt: true)
    }
}
