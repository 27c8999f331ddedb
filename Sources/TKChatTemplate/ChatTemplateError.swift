/// Why a chat template could not be parsed or rendered, and where in the template source.
///
/// `line` and `column` are 1-based and count Unicode scalars in the template source (after
/// `\r\n` is normalised to `\n`, as Jinja does). A template's own `raise_exception("…")` arrives
/// with ``Kind-swift.enum/raised`` and `message` set to exactly the template's text, so callers
/// can show it to the user unchanged (it usually says which roles or orders the model accepts).
public struct ChatTemplateError: Error, CustomStringConvertible, Sendable, Equatable {
    public enum Kind: String, Sendable, Equatable {
        /// The source uses syntax this renderer cannot parse (unclosed tag, unknown filter, …).
        case syntax
        /// Rendering failed: a type error, an undefined function, a value that cannot be serialised.
        case render
        /// The template called `raise_exception(message)`.
        case raised
    }

    public var kind: Kind
    public var message: String
    public var line: Int
    public var column: Int

    public init(kind: Kind, message: String, line: Int, column: Int) {
        self.kind = kind
        self.message = message
        self.line = line
        self.column = column
    }

    init(_ kind: Kind, _ message: String, at location: SourceLocation) {
        self.init(kind: kind, message: message, line: location.line, column: location.column)
    }

    /// `line` 0 means the error concerns the whole template (``ChatTemplate/renderAnswer(messages:answer:bosToken:eosToken:variables:)``), not one place in it.
    public var description: String {
        let place = line > 0 ? " at line \(line), column \(column)" : ""
        switch kind {
        case .syntax:
            return "chat template syntax error\(place): \(message)"
        case .render:
            return "chat template render error\(place): \(message)"
        case .raised:
            return "chat template raised an exception\(place): \(message)"
        }
    }
}

/// A position in the template source: 1-based line and column (in Unicode scalars).
struct SourceLocation: Sendable, Equatable, CustomStringConvertible {
    var line: Int
    var column: Int
    var description: String { "line \(line), column \(column)" }
}
