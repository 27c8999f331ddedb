/// Bad input to a gradient, an attribution or a fit built on them, with a message that says what
/// to change. Thrown before any long computation starts.
public struct AttributionError: Error, CustomStringConvertible, Sendable, Equatable {
    public enum Code: String, Sendable {
        /// The backward pass does not implement this model's family or variant.
        case unsupportedModel
        /// Tokens, targets, scales or steps that do not fit the model or each other.
        case invalidInput
        /// Too few questions or answers to attribute.
        case insufficientData
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
