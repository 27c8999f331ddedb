/// Reading template values from JSON text, keeping what `tojson` must reproduce: object key
/// order, and integers apart from floats (`1` against `1.0`), as Python's `json.loads` does.
///
/// Use it for request bodies (tool schemas, tool-call arguments) that a template will print
/// back with `tojson`; decoding through `JSONSerialization` or `Codable` would lose both.
extension TemplateValue {
    /// Parses a JSON document. Throws ``ChatTemplateError`` (kind `syntax`, with the line and
    /// column in the JSON text) when the text is not valid JSON.
    public init(json text: String) throws {
        var parser = JSONTextParser(Array(text.unicodeScalars))
        self = try parser.parseDocument()
    }

    /// The value as Python's `json.dumps(value, ensure_ascii=False)` writes it (what the
    /// template's `tojson` prints): `", "` and `": "` separators, or newlines when `indent` is set.
    public func jsonString(indent: Int? = nil) -> String {
        // Every TemplateValue is serialisable; only runtime-only values (undefined, namespaces) can fail.
        (try? Python.json(TKChatTemplate.Value(self), indent: indent.map { String(repeating: " ", count: max(0, $0)) },
                          separators: nil, sortKeys: false)) ?? "null"
    }
}

private struct JSONTextParser {
    private let s: [Unicode.Scalar]
    private var i = 0
    private var depth = 0

    init(_ scalars: [Unicode.Scalar]) { s = scalars }

    private func fail(_ message: String) -> ChatTemplateError {
        var line = 1, column = 1
        for scalar in s[..<min(i, s.count)] {
            if scalar == "\n" {
                line += 1
                column = 1
            } else {
                column += 1
            }
        }
        return ChatTemplateError(kind: .syntax, message: "invalid JSON: \(message)", line: line, column: column)
    }

    private mutating func skipSpace() {
        while i < s.count, s[i] == " " || s[i] == "\n" || s[i] == "\r" || s[i] == "\t" { i += 1 }
    }

    mutating func parseDocument() throws -> TemplateValue {
        let value = try parseValue()
        skipSpace()
        guard i == s.count else { throw fail("unexpected text after the JSON value") }
        return value
    }

    private mutating func parseValue() throws -> TemplateValue {
        skipSpace()
        guard i < s.count else { throw fail("unexpected end of input, expected a value") }
        switch s[i] {
        case "{": return try parseObject()
        case "[": return try parseArray()
        case "\"": return .string(try parseString())
        case "t": return try literal("true", .bool(true))
        case "f": return try literal("false", .bool(false))
        case "n": return try literal("null", .none)
        case "N": return try literal("NaN", .double(.nan))
        case "I": return try literal("Infinity", .double(.infinity))
        default: return try parseNumber()
        }
    }

    private mutating func literal(_ word: String, _ value: TemplateValue) throws -> TemplateValue {
        for scalar in word.unicodeScalars {
            guard i < s.count, s[i] == scalar else { throw fail("unexpected character, expected '\(word)'") }
            i += 1
        }
        return value
    }

    private mutating func nested<T>(_ body: (inout JSONTextParser) throws -> T) throws -> T {
        depth += 1
        defer { depth -= 1 }
        guard depth <= 512 else { throw fail("nesting deeper than 512 levels") }
        return try body(&self)
    }

    private mutating func parseObject() throws -> TemplateValue {
        try nested { p in
            p.i += 1
            var result = TemplateDictionary()
            p.skipSpace()
            if p.i < p.s.count, p.s[p.i] == "}" {
                p.i += 1
                return .dictionary(result)
            }
            while true {
                p.skipSpace()
                guard p.i < p.s.count, p.s[p.i] == "\"" else { throw p.fail("expected a string key") }
                let key = try p.parseString()
                p.skipSpace()
                guard p.i < p.s.count, p.s[p.i] == ":" else { throw p.fail("expected ':' after an object key") }
                p.i += 1
                result[key] = try p.parseValue()
                p.skipSpace()
                guard p.i < p.s.count else { throw p.fail("unexpected end of input inside an object") }
                if p.s[p.i] == "," {
                    p.i += 1
                } else if p.s[p.i] == "}" {
                    p.i += 1
                    return .dictionary(result)
                } else {
                    throw p.fail("expected ',' or '}' in an object")
                }
            }
        }
    }

    private mutating func parseArray() throws -> TemplateValue {
        try nested { p in
            p.i += 1
            var items: [TemplateValue] = []
            p.skipSpace()
            if p.i < p.s.count, p.s[p.i] == "]" {
                p.i += 1
                return .array(items)
            }
            while true {
                items.append(try p.parseValue())
                p.skipSpace()
                guard p.i < p.s.count else { throw p.fail("unexpected end of input inside an array") }
                if p.s[p.i] == "," {
                    p.i += 1
                } else if p.s[p.i] == "]" {
                    p.i += 1
                    return .array(items)
                } else {
                    throw p.fail("expected ',' or ']' in an array")
                }
            }
        }
    }

    private mutating func hex4() throws -> UInt32 {
        guard i + 4 <= s.count else { throw fail("truncated \\u escape") }
        var value: UInt32 = 0
        for scalar in s[i..<(i + 4)] {
            guard let digit = Int(String(scalar), radix: 16) else { throw fail("invalid \\u escape") }
            value = value * 16 + UInt32(digit)
        }
        i += 4
        return value
    }

    private mutating func parseString() throws -> String {
        i += 1
        var out = String.UnicodeScalarView()
        while true {
            guard i < s.count else { throw fail("unterminated string") }
            let c = s[i]
            i += 1
            if c == "\"" { return String(out) }
            if c.value < 0x20 { throw fail("control character in a string") }
            guard c == "\\" else {
                out.append(c)
                continue
            }
            guard i < s.count else { throw fail("unterminated escape") }
            let e = s[i]
            i += 1
            switch e {
            case "\"": out.append("\"")
            case "\\": out.append("\\")
            case "/": out.append("/")
            case "b": out.append("\u{08}")
            case "f": out.append("\u{0C}")
            case "n": out.append("\n")
            case "r": out.append("\r")
            case "t": out.append("\t")
            case "u":
                var code = try hex4()
                if (0xD800...0xDBFF).contains(code), i + 1 < s.count, s[i] == "\\", s[i + 1] == "u" {
                    let save = i
                    i += 2
                    let low = try hex4()
                    if (0xDC00...0xDFFF).contains(low) {
                        code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                    } else {
                        i = save
                    }
                }
                out.append(Unicode.Scalar(code) ?? "\u{FFFD}")
            default: throw fail("invalid escape '\\\(Character(e))'")
            }
        }
    }

    private mutating func parseNumber() throws -> TemplateValue {
        let start = i
        if i < s.count, s[i] == "-" { i += 1 }
        if i < s.count, s[i] == "I" {
            _ = try literal("Infinity", .none)
            return .double(-.infinity)
        }
        var isFloat = false
        func digits(_ p: inout JSONTextParser) -> Int {
            let from = p.i
            while p.i < p.s.count, ("0"..."9").contains(p.s[p.i]) { p.i += 1 }
            return p.i - from
        }
        guard digits(&self) > 0 else { throw fail("unexpected character, expected a value") }
        if i < s.count, s[i] == "." {
            i += 1
            isFloat = true
            guard digits(&self) > 0 else { throw fail("expected digits after '.'") }
        }
        if i < s.count, s[i] == "e" || s[i] == "E" {
            i += 1
            isFloat = true
            if i < s.count, s[i] == "+" || s[i] == "-" { i += 1 }
            guard digits(&self) > 0 else { throw fail("expected digits in the exponent") }
        }
        var text = String.UnicodeScalarView()
        text.append(contentsOf: s[start..<i])
        let literal = String(text)
        if !isFloat, let value = Int(literal) { return .int(value) }
        guard let value = Double(literal) else { throw fail("invalid number '\(literal)'") }
        return .double(value)
    }
}
