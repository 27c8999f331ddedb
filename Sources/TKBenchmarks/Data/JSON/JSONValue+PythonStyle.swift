extension JSONValue {
    /// The text Python's `json.dumps(value, ensure_ascii=asciiOnly)` writes for this value.
    ///
    /// The pinned JSONL files were written that way (separators `", "` and `": "`, non-ASCII
    /// kept as is, `"`, `\` and control characters escaped), so matching it byte for byte is
    /// what lets a converted download hash to the pinned SHA-256. Numbers are written as they
    /// were read, which is what Python does for the integers these files hold.
    func pythonJSON(asciiOnly: Bool = false) -> [UInt8] {
        var output: [UInt8] = []
        write(into: &output, asciiOnly: asciiOnly)
        return output
    }

    private func write(into output: inout [UInt8], asciiOnly: Bool) {
        switch self {
        case .object(let members):
            output.append(UInt8(ascii: "{"))
            for (position, member) in members.enumerated() {
                if position > 0 { output.append(contentsOf: ", ".utf8) }
                Self.writeString(member.key, into: &output, asciiOnly: asciiOnly)
                output.append(contentsOf: ": ".utf8)
                member.value.write(into: &output, asciiOnly: asciiOnly)
            }
            output.append(UInt8(ascii: "}"))
        case .array(let elements):
            output.append(UInt8(ascii: "["))
            for (position, element) in elements.enumerated() {
                if position > 0 { output.append(contentsOf: ", ".utf8) }
                element.write(into: &output, asciiOnly: asciiOnly)
            }
            output.append(UInt8(ascii: "]"))
        case .string(let text):
            Self.writeString(text, into: &output, asciiOnly: asciiOnly)
        case .number(let text):
            output.append(contentsOf: text.utf8)
        case .bool(let value):
            output.append(contentsOf: (value ? "true" : "false").utf8)
        case .null:
            output.append(contentsOf: "null".utf8)
        }
    }

    private static func writeString(_ text: String, into output: inout [UInt8], asciiOnly: Bool) {
        output.append(UInt8(ascii: "\""))
        if !asciiOnly {
            // Only ASCII bytes are ever escaped here, and UTF-8 never uses them inside a multi-byte
            // character, so the bytes can be copied through one at a time.
            for byte in text.utf8 {
                if byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                    appendEscaped(UInt32(byte), into: &output)
                } else {
                    output.append(byte)
                }
            }
        } else {
            for scalar in text.unicodeScalars {
                if scalar.value >= 0x10000 {
                    // Python writes characters beyond the BMP as a UTF-16 surrogate pair.
                    let offset = scalar.value - 0x10000
                    appendHexEscape(0xD800 + (offset >> 10), into: &output)
                    appendHexEscape(0xDC00 + (offset & 0x3FF), into: &output)
                } else if scalar.value >= 0x7F {
                    appendHexEscape(scalar.value, into: &output)
                } else {
                    appendEscaped(scalar.value, into: &output)
                }
            }
        }
        output.append(UInt8(ascii: "\""))
    }

    /// An ASCII character as Python writes it inside a string: named escapes for `"`, `\`,
    /// `\n`, `\r`, `\t`, `\b`, `\f`, `\u00XX` for other control characters, else itself.
    private static func appendEscaped(_ value: UInt32, into output: inout [UInt8]) {
        switch value {
        case 0x22: output.append(contentsOf: [0x5C, 0x22])
        case 0x5C: output.append(contentsOf: [0x5C, 0x5C])
        case 0x0A: output.append(contentsOf: [0x5C, UInt8(ascii: "n")])
        case 0x0D: output.append(contentsOf: [0x5C, UInt8(ascii: "r")])
        case 0x09: output.append(contentsOf: [0x5C, UInt8(ascii: "t")])
        case 0x08: output.append(contentsOf: [0x5C, UInt8(ascii: "b")])
        case 0x0C: output.append(contentsOf: [0x5C, UInt8(ascii: "f")])
        case ..<0x20: appendHexEscape(value, into: &output)
        default: output.append(UInt8(value))
        }
    }

    /// `\uXXXX` with lowercase hex digits, as Python writes it.
    private static func appendHexEscape(_ value: UInt32, into output: inout [UInt8]) {
        let hex = String(value, radix: 16)
        output.append(contentsOf: "\\u".utf8)
        output.append(contentsOf: String(repeating: "0", count: max(0, 4 - hex.count)).utf8)
        output.append(contentsOf: hex.utf8)
    }
}
