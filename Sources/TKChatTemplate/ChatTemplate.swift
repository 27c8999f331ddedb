import Foundation

/// A model's chat template (GGUF `tokenizer.chat_template`), parsed once and rendered like
/// transformers' `apply_chat_template(tokenize=False)`.
///
/// transformers renders with Python jinja2 in a sandbox with `trim_blocks=True`,
/// `lstrip_blocks=True`, the loop-controls extension, and the globals `raise_exception`,
/// `strftime_now`, `namespace` and `dict`; `tojson` there is `json.dumps(ensure_ascii=False)`.
/// This type reproduces that for the Jinja subset real model templates use (see
/// ``TemplateFilters`` for filters). Variables that are not passed render as empty and are
/// falsy, as with jinja2's default `Undefined`.
///
/// Parsing happens in ``init(source:)``, so a template this renderer cannot handle fails when
/// the model loads, with the line and column of the problem, not at the first request.
///
/// Supported: `{{ }}`, `{% %}`, `{# #}`, `{% raw %}`, whitespace control (`-`, `+`); `if`/`elif`/
/// `else`, `for` (with `loop.*`, `else`, `if` filter, tuple unpacking, `break`/`continue`), `set`
/// (names, tuples, `ns.attr`, block form), `macro`, `filter` blocks, `generation`; Python-style
/// literals, operators, slices, tests and the string/dict/list methods templates call.
/// Not supported (rejected at parse time): `include`/`extends`/`import`/`block`, `call` blocks,
/// recursive loops, `*args`/`**kwargs` in calls; `%` string formatting fails at render time.
/// Where jinja2 raises on an attribute of an undefined value, this renderer yields undefined.
public struct ChatTemplate: Sendable {
    public let source: String
    private let nodes: [Node]

    /// Parses once; throws ``ChatTemplateError`` (with line and column) on syntax it cannot parse.
    public init(source: String) throws {
        self.source = source
        nodes = try TemplateParser.parse(source)
    }

    /// Renders `messages` like transformers' `apply_chat_template(tokenize=False)`.
    ///
    /// The template sees `messages`, `add_generation_prompt`, `bos_token`, `eos_token`, and
    /// `tools` and `documents` set to none (transformers passes both); `variables` are added last
    /// and override any of these (pass `tools`, `date_string`, `enable_thinking`, …).
    /// - Throws: ``ChatTemplateError`` — kind `raised` with the template's own message when it
    ///   calls `raise_exception` (for example on roles that do not alternate), `render` otherwise.
    public func render(messages: [ChatMessage], addGenerationPrompt: Bool, bosToken: String = "", eosToken: String = "",
                       variables: [String: TemplateValue] = [:]) throws -> String
    {
        try render(context: Self.context(messages: messages.map(\.templateValue), addGenerationPrompt: addGenerationPrompt,
                                         bosToken: bosToken, eosToken: eosToken, variables: variables))
    }

    /// Renders with exactly the variables given (messages with extra fields such as
    /// `tool_calls`, `tools`, …). `now` and `timeZone` are what `strftime_now` formats.
    public func render(context: [String: TemplateValue], now: Date = Date(), timeZone: TimeZone = .current) throws -> String {
        let renderer = TemplateRenderer(context: context.mapValues(Value.init), now: now, timeZone: timeZone)
        return try renderer.render(nodes)
    }

    /// The prompt a model should continue: the conversation plus the generation prompt
    /// (`<|im_start|>assistant\n` for ChatML), so generation starts inside the answer.
    public func renderPrompt(messages: [ChatMessage], bosToken: String = "", eosToken: String = "",
                             variables: [String: TemplateValue] = [:]) throws -> String
    {
        try render(messages: messages, addGenerationPrompt: true, bosToken: bosToken, eosToken: eosToken,
                   variables: variables)
    }

    /// The context transformers hands to the template for `messages`.
    public static func context(messages: [TemplateValue], addGenerationPrompt: Bool, bosToken: String = "",
                               eosToken: String = "", variables: [String: TemplateValue] = [:]) -> [String: TemplateValue]
    {
        var context: [String: TemplateValue] = [
            "messages": .array(messages),
            "add_generation_prompt": .bool(addGenerationPrompt),
            "bos_token": .string(bosToken),
            "eos_token": .string(eosToken),
            "tools": .none,
            "documents": .none,
        ]
        context.merge(variables) { _, new in new }
        return context
    }
}
