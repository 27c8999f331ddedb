/// One turn of a conversation as chat templates see it: `message['role']` and `message['content']`.
///
/// Templates that read more fields (tool calls, reasoning) can be fed through
/// ``ChatTemplate/render(context:)`` with messages built as ``TemplateValue`` dictionaries.
public struct ChatMessage: Sendable, Codable, Equatable, Hashable {
    /// `system`, `user`, `assistant`, or whatever other role the template understands.
    public var role: String
    public var content: String

    public init(role: String, content: String) {
        self.role = role
        self.content = content
    }

    /// The message as the dictionary a template iterates over (`role` first, then `content`).
    public var templateValue: TemplateValue {
        .dictionary(["role": .string(role), "content": .string(content)])
    }
}
