/// Makes text that came out of a model file safe to print on a terminal or embed in an error.
///
/// Keys, tensor names and string values are whatever bytes the file holds: escape sequences that
/// recolour or retitle the terminal, or megabytes of text. Everything a GGUF error or `inspect`
/// shows goes through `escaped(_:maxLength:)`, so neither reaches the terminal raw.
public enum GGUFText {
    /// Longest piece of file-supplied text embedded in an error message.
    public static let errorLimit = 200

    /// `text` with control characters (C0, DEL, C1, and the bidirectional overrides) written as
    /// `\n`, `\t`, `\r` or `\u{1B}`, backslashes doubled, and cut to `maxLength` characters with
    /// "…" and the original length appended when longer.
    ///
    /// With `keepingNewlines` (for messages this program wrote, which quote file text already
    /// escaped), newlines and backslashes pass through and only the other control characters
    /// are escaped.
    public static func escaped(_ text: String, maxLength: Int = Int.max, keepingNewlines: Bool = false) -> String {
        var out = ""
        var shown = 0
        for scalar in text.unicodeScalars {
            if shown >= maxLength {
                return out + "… (\(text.unicodeScalars.count) characters)"
            }
            shown += 1
            if keepingNewlines, scalar == "\n" || scalar == "\\" {
                out.unicodeScalars.append(scalar)
                continue
            }
            switch scalar {
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if isUnsafe(scalar) {
                    out += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }

    /// `escaped(text, maxLength: errorLimit)`: for names and values quoted inside error messages.
    public static func forError(_ text: String) -> String { escaped(text, maxLength: errorLimit) }

    /// Control characters and the invisible bidirectional-override characters (which reorder
    /// what a terminal shows, the "trojan source" trick).
    static func isUnsafe(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x00...0x1F, 0x7F...0x9F: true
        case 0x202A...0x202E, 0x2066...0x2069: true
        default: false
        }
    }
}
