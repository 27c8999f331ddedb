/// A token's attributes after llama.cpp's load-time adjustments, one bit each.
///
/// Starts from `TokenType`, then llama.cpp marks tokens whose text says "end of turn" or
/// "fill in the middle" as control, and a few chat-format tokens as user-defined; these bits decide
/// which tokens are matched in input and how each one decodes.
struct TokenAttributes: OptionSet, Sendable {
    let rawValue: UInt8

    static let undefined = TokenAttributes(rawValue: 1 << 0)
    static let unknown = TokenAttributes(rawValue: 1 << 1)
    static let unused = TokenAttributes(rawValue: 1 << 2)
    static let normal = TokenAttributes(rawValue: 1 << 3)
    static let control = TokenAttributes(rawValue: 1 << 4)
    static let userDefined = TokenAttributes(rawValue: 1 << 5)
    static let byte = TokenAttributes(rawValue: 1 << 6)

    /// Tokens that stand for markup rather than text: decoded as their literal text, dropped when
    /// decoding with `skipSpecialTokens`.
    static let special: TokenAttributes = [.control, .unknown]

    init(rawValue: UInt8) {
        self.rawValue = rawValue
    }

    init(_ type: TokenType) {
        switch type {
        case .undefined: self = .undefined
        case .normal: self = .normal
        case .unknown: self = .unknown
        case .control: self = .control
        case .userDefined: self = .userDefined
        case .unused: self = .unused
        case .byte: self = .byte
        }
    }
}
