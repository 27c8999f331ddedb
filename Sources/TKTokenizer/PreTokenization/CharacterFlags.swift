/// The Unicode classes the pre-tokenizer rules test, one bit each.
///
/// They mirror llama.cpp's `unicode_cpt_flags`: `letter` is general category L*, `number` N*,
/// `punctuation` P*, and `whitespace` the White_Space property (llama.cpp's explicit list, which
/// leaves out U+001C–U+001F although Python's `str.isspace` accepts them). `present` is set for every
/// code point, so a scanner can tell "a code point with none of these classes" from "past the end".
struct CharacterFlags: OptionSet, Sendable {
    let rawValue: UInt8

    static let present = CharacterFlags(rawValue: 1 << 0)
    static let letter = CharacterFlags(rawValue: 1 << 1)
    static let number = CharacterFlags(rawValue: 1 << 2)
    static let whitespace = CharacterFlags(rawValue: 1 << 3)
    static let punctuation = CharacterFlags(rawValue: 1 << 4)

    static let letterNumberOrSpace: CharacterFlags = [.letter, .number, .whitespace]

    /// The classes of one code point.
    static func of(_ scalar: UInt32) -> CharacterFlags {
        scalar < 128 ? ascii[Int(scalar)] : classify(scalar)
    }

    /// Precomputed classes of ASCII, which dominates real text.
    private static let ascii: [CharacterFlags] = (0..<128).map { classify(UInt32($0)) }

    private static func classify(_ value: UInt32) -> CharacterFlags {
        var flags: CharacterFlags = .present
        guard let scalar = Unicode.Scalar(value) else { return flags }
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter:
            flags.insert(.letter)
        case .decimalNumber, .letterNumber, .otherNumber:
            flags.insert(.number)
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
             .initialPunctuation, .finalPunctuation, .otherPunctuation:
            flags.insert(.punctuation)
        default:
            break
        }
        if isWhitespace(value) { flags.insert(.whitespace) }
        return flags
    }

    /// llama.cpp's `unicode_set_whitespace` (the Unicode White_Space property).
    private static func isWhitespace(_ v: UInt32) -> Bool {
        switch v {
        case 0x09...0x0D, 0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000:
            true
        default:
            false
        }
    }
}
