/// Renders a chat conversation with a model's chat template (the CLI adapts `TKChatTemplate`),
/// so benchmarks stay independent of where templates come from.
public protocol ChatRenderer: Sendable {
    /// A stable description of the template (its hash), recorded in run settings.
    var templateID: String { get }
    func render(messages: [(role: String, content: String)], addGenerationPrompt: Bool) throws -> String
}

/// The prompt a task builds for each item: a text preset, or the model's chat template.
///
/// Every scorer and generator goes through this one type, so a new format changes no evaluator.
/// With a chat template the six QA examples become user/assistant turns and the question the last
/// user turn; the context is everything the template renders before the assistant's answer,
/// located by character offset (a sentinel answer is rendered and found), never by a token count.
public struct PromptFormat: Sendable {
    /// `qa`, `null`, … or `chat-template`.
    public let name: String
    /// The leading text every item's context shares (few-shot primer), computed once per run.
    public let header: String
    /// Where generated answers end.
    public let stopSequences: [String]
    private let contextBuilder: @Sendable (String) throws -> String
    private let separator: String

    /// A text preset.
    public init(preset: PromptPreset) {
        name = preset.rawValue
        header = preset.header
        stopSequences = preset.stopSequences
        contextBuilder = { preset.context(question: $0) }
        separator = " "
    }

    /// All format names `--preset` accepts.
    public static let names: [String] = PromptPreset.allCases.map(\.rawValue) + [chatTemplateName]
    public static let chatTemplateName = "chat-template"

    /// The model's chat template, with the QA primer's examples as earlier turns.
    ///
    /// - Throws: `BenchmarkError` when the template does not reproduce the assistant's answer
    ///   verbatim (then no character offset can locate it).
    public static func chatTemplate(_ renderer: any ChatRenderer, fewShot: Bool = true) throws -> PromptFormat {
        let sentinel = "\u{2063}TRUTHKIT-ANSWER\u{2063}"
        let examples = fewShot ? PromptPreset.qaExamples : []
        let build: @Sendable (String) throws -> String = { question in
            var messages: [(role: String, content: String)] = []
            for e in examples {
                messages.append((role: "user", content: e.question))
                messages.append((role: "assistant", content: e.answer))
            }
            messages.append((role: "user", content: question))
            messages.append((role: "assistant", content: sentinel))
            let rendered = try renderer.render(messages: messages, addGenerationPrompt: false)
            guard let range = rendered.range(of: sentinel), rendered.range(of: sentinel, range: range.upperBound..<rendered.endIndex) == nil else {
                throw BenchmarkError("the chat template \(renderer.templateID) does not render the assistant's answer verbatim exactly once, so the answer cannot be located by character offset; use a text preset such as --preset qa")
            }
            return String(rendered[..<range.lowerBound])
        }
        // The header is what the contexts of any two questions share: the system turn and examples.
        let a = try build("Is the sky blue?"), b = try build("Why do cats purr?")
        let shared = String(zip(a, b).prefix { $0 == $1 }.map(\.0))
        return PromptFormat(name: chatTemplateName, header: shared, stopSequences: [], contextBuilder: build, separator: "")
    }

    private init(name: String, header: String, stopSequences: [String], contextBuilder: @escaping @Sendable (String) throws -> String, separator: String) {
        self.name = name
        self.header = header
        self.stopSequences = stopSequences
        self.contextBuilder = contextBuilder
        self.separator = separator
    }

    /// The text a choice's score is conditioned on.
    public func context(question: String) throws -> String {
        try contextBuilder(question)
    }

    /// The scored text of a choice: ` {choice}` after a text preset's answer cue; the choice itself
    /// where a chat template's assistant turn begins.
    public func continuation(choice: String) -> String {
        separator + choice
    }

    /// The context for "how likely is this answer anyway" (PMI): the same prompt with the question
    /// left empty, so only the question's information is discounted.
    public func neutralContext() throws -> String {
        try contextBuilder("")
    }
}
