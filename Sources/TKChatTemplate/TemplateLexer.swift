/// One lexical token of a template: template text, tag delimiters, or an expression token.
struct Token: Sendable {
    enum Kind: Sendable, Equatable {
        case text(String)
        case variableBegin, variableEnd, blockBegin, blockEnd
        case name(String)
        case string(String)
        case integer(Int)
        case float(Double)
        case op(String)
        case end
    }
    var kind: Kind
    var location: SourceLocation
}

/// Splits a template into tokens the way Jinja's lexer does with `trim_blocks=True` and
/// `lstrip_blocks=True` (the settings transformers uses).
///
/// Whitespace control is resolved here, so the parser only sees the text that will be output:
/// `{%-`/`{{-`/`{#-` strip all whitespace before the tag, `-%}`/`-}}`/`-#}` all whitespace after;
/// trim_blocks removes the first newline after `%}` or `#}` (not after `}}`); lstrip_blocks removes
/// spaces and tabs between the start of a line and a `{%` or `{#` (never before `{{`), unless the
/// tag opens with `{%+`. One trailing newline of the whole template is dropped, as Jinja does.
struct TemplateLexer {
    private let s: [Unicode.Scalar]
    private var lineStarts: [Int] = [0]
    private var pos = 0
    private var tokens: [Token] = []
    /// Whether the previous match ended with a newline (Jinja's `line_starting`): lets
    /// lstrip_blocks strip indentation right after a tag that consumed the line break.
    private var lineStarting = true

    init(source: String) {
        // Jinja splits on any newline sequence, joins with "\n", and drops one trailing newline.
        var scalars: [Unicode.Scalar] = []
        scalars.reserveCapacity(source.unicodeScalars.count)
        var previousWasCR = false
        for scalar in source.unicodeScalars {
            if scalar == "\r" {
                scalars.append("\n")
                previousWasCR = true
                continue
            }
            if scalar == "\n" && previousWasCR {
                previousWasCR = false
                continue
            }
            previousWasCR = false
            scalars.append(scalar)
        }
        if scalars.last == "\n" { scalars.removeLast() }
        s = scalars
        for (index, scalar) in s.enumerated() where scalar == "\n" { lineStarts.append(index + 1) }
    }

    func location(_ index: Int) -> SourceLocation {
        var low = 0, high = lineStarts.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if lineStarts[mid] <= index { low = mid } else { high = mid - 1 }
        }
        return SourceLocation(line: low + 1, column: index - lineStarts[low] + 1)
    }

    static func tokenize(_ source: String) throws(ChatTemplateError) -> [Token] {
        var lexer = TemplateLexer(source: source)
        try lexer.run()
        return lexer.tokens
    }

    // MARK: - Root level: text and tag openers

    private mutating func run() throws(ChatTemplateError) {
        let n = s.count
        while pos < n {
            guard let opener = nextOpener(from: pos) else {
                emitText(pos, n)
                break
            }
            let kind = s[opener + 1]
            var sign: Unicode.Scalar? = nil
            if opener + 2 < n, s[opener + 2] == "-" || s[opener + 2] == "+" { sign = s[opener + 2] }
            let rawEnd = kind == "%" ? matchRawBegin(at: opener) : nil

            // Whitespace control on the text before the tag.
            var textEnd = opener
            if sign == "-" {
                while textEnd > pos, isWhitespace(s[textEnd - 1]) { textEnd -= 1 }
            } else if sign != "+" && kind != "{" {
                var lineStart = opener
                while lineStart > pos, s[lineStart - 1] != "\n" { lineStart -= 1 }
                let afterNewline = lineStart > pos
                if (afterNewline || lineStarting) && lineStart < opener
                    && s[lineStart..<opener].allSatisfy({ isWhitespace($0) })
                {
                    textEnd = lineStart
                }
            }
            emitText(pos, textEnd)

            let tagStart = opener + 2 + (sign == nil ? 0 : 1)
            if let rawEnd {
                try lexRaw(contentStart: rawEnd, opener: opener)
            } else if kind == "#" {
                try lexComment(from: tagStart, opener: opener)
            } else {
                try lexTag(block: kind == "%", from: tagStart, opener: opener)
            }
        }
        tokens.append(Token(kind: .end, location: location(n)))
    }

    private func nextOpener(from start: Int) -> Int? {
        var i = start
        while i + 1 < s.count {
            if s[i] == "{", s[i + 1] == "{" || s[i + 1] == "%" || s[i + 1] == "#" { return i }
            i += 1
        }
        return nil
    }

    private mutating func emitText(_ start: Int, _ end: Int) {
        guard start < end else { return }
        var text = String.UnicodeScalarView()
        text.append(contentsOf: s[start..<end])
        tokens.append(Token(kind: .text(String(text)), location: location(start)))
    }

    /// Python's `str.isspace` for the characters templates contain.
    private func isWhitespace(_ c: Unicode.Scalar) -> Bool {
        c == " " || c == "\t" || c == "\n" || c == "\r" || c == "\u{0B}" || c == "\u{0C}"
            || (c.value > 0x7F && c.properties.isWhitespace)
    }

    private func matches(_ literal: String, at index: Int) -> Bool {
        var i = index
        for scalar in literal.unicodeScalars {
            guard i < s.count, s[i] == scalar else { return false }
            i += 1
        }
        return true
    }

    private func skipWhitespace(_ index: Int) -> Int {
        var i = index
        while i < s.count, isWhitespace(s[i]) { i += 1 }
        return i
    }

    /// After a block or comment end: `-` strips all following whitespace, `+` keeps it, and
    /// otherwise trim_blocks removes one newline.
    private mutating func finishTag(after end: Int, sign: Unicode.Scalar?, trims: Bool) {
        var next = end
        if sign == "-" {
            next = skipWhitespace(end)
        } else if sign != "+" && trims && next < s.count && s[next] == "\n" {
            next += 1
        }
        lineStarting = next > 0 && s[next - 1] == "\n"
        pos = next
    }

    // MARK: - Comments and raw blocks

    private mutating func lexComment(from start: Int, opener: Int) throws(ChatTemplateError) {
        var i = start
        while i + 1 < s.count, !(s[i] == "#" && s[i + 1] == "}") { i += 1 }
        guard i + 1 < s.count else {
            throw ChatTemplateError(.syntax, "missing end of comment tag: the comment opened here has no '#}'",
                                    at: location(opener))
        }
        let sign: Unicode.Scalar? = i > start && (s[i - 1] == "-" || s[i - 1] == "+") ? s[i - 1] : nil
        finishTag(after: i + 2, sign: sign, trims: true)
    }

    /// `{% raw %}` (with optional `-`/`+` and spaces): returns the index after its `%}`.
    private func matchRawBegin(at opener: Int) -> Int? {
        var i = opener + 2
        if i < s.count, s[i] == "-" || s[i] == "+" { i += 1 }
        i = skipWhitespace(i)
        guard matches("raw", at: i) else { return nil }
        i = skipWhitespace(i + 3)
        if matches("-%}", at: i) { return skipWhitespace(i + 3) }
        if matches("%}", at: i) { return i + 2 }
        return nil
    }

    private mutating func lexRaw(contentStart: Int, opener: Int) throws(ChatTemplateError) {
        var i = contentStart
        while i + 1 < s.count {
            if s[i] == "{", s[i + 1] == "%" {
                var j = i + 2
                var sign: Unicode.Scalar? = nil
                if j < s.count, s[j] == "-" || s[j] == "+" { sign = s[j]; j += 1 }
                j = skipWhitespace(j)
                if matches("endraw", at: j) {
                    j = skipWhitespace(j + 6)
                    var endSign: Unicode.Scalar? = nil
                    if j < s.count, s[j] == "-" || s[j] == "+" { endSign = s[j]; j += 1 }
                    if matches("%}", at: j) {
                        var contentEnd = i
                        if sign == "-" {
                            while contentEnd > contentStart, isWhitespace(s[contentEnd - 1]) { contentEnd -= 1 }
                        } else if sign != "+" {
                            var lineStart = i
                            while lineStart > contentStart, s[lineStart - 1] != "\n" { lineStart -= 1 }
                            if lineStart > contentStart && lineStart < i
                                && s[lineStart..<i].allSatisfy({ isWhitespace($0) })
                            {
                                contentEnd = lineStart
                            }
                        }
                        emitText(contentStart, contentEnd)
                        finishTag(after: j + 2, sign: endSign, trims: true)
                        return
                    }
                }
            }
            i += 1
        }
        throw ChatTemplateError(.syntax, "missing end of raw directive: add '{% endraw %}'", at: location(opener))
    }

    // MARK: - Tags: expression tokens up to the closing delimiter

    private mutating func lexTag(block: Bool, from start: Int, opener: Int) throws(ChatTemplateError) {
        tokens.append(Token(kind: block ? .blockBegin : .variableBegin, location: location(opener)))
        var balance: [Unicode.Scalar] = []
        pos = start
        let closer = block ? "%}" : "}}"
        while true {
            pos = skipWhitespace(pos)
            guard pos < s.count else {
                throw ChatTemplateError(
                    .syntax,
                    "unexpected end of template: the \(block ? "block tag '{%'" : "expression '{{'") opened here is never closed with '\(closer)'",
                    at: location(opener))
            }
            if balance.isEmpty {
                let endChar: Unicode.Scalar = block ? "%" : "}"
                if block, matches("+%}", at: pos) {
                    tokens.append(Token(kind: .blockEnd, location: location(pos)))
                    finishTag(after: pos + 3, sign: "+", trims: true)
                    return
                }
                if matches("-", at: pos), pos + 2 < s.count, s[pos + 1] == endChar, s[pos + 2] == "}" {
                    tokens.append(Token(kind: block ? .blockEnd : .variableEnd, location: location(pos)))
                    finishTag(after: pos + 3, sign: "-", trims: block)
                    return
                }
                if pos + 1 < s.count, s[pos] == endChar, s[pos + 1] == "}" {
                    tokens.append(Token(kind: block ? .blockEnd : .variableEnd, location: location(pos)))
                    finishTag(after: pos + 2, sign: nil, trims: block)
                    return
                }
            }
            try lexExpressionToken(balance: &balance)
        }
    }

    private mutating func lexExpressionToken(balance: inout [Unicode.Scalar]) throws(ChatTemplateError) {
        let start = pos
        let c = s[pos]
        let here = location(start)
        if c == "_" || c.properties.isAlphabetic {
            var i = pos + 1
            while i < s.count, s[i] == "_" || s[i].properties.isAlphabetic || ("0"..."9").contains(s[i]) {
                i += 1
            }
            tokens.append(Token(kind: .name(string(start, i)), location: here))
            pos = i
            return
        }
        if ("0"..."9").contains(c) {
            try lexNumber(here)
            return
        }
        if c == "'" || c == "\"" {
            try lexString(quote: c, here)
            return
        }
        for op in ["//", "**", "==", "!=", "<=", ">="] where matches(op, at: pos) {
            tokens.append(Token(kind: .op(op), location: here))
            pos += 2
            return
        }
        guard "+-*/%~<>=()[]{},.:|".unicodeScalars.contains(c) else {
            throw ChatTemplateError(.syntax, "unexpected character '\(Character(c))' inside a tag", at: here)
        }
        switch c {
        case "(": balance.append(")")
        case "[": balance.append("]")
        case "{": balance.append("}")
        case ")", "]", "}":
            guard let expected = balance.popLast() else {
                throw ChatTemplateError(.syntax, "unexpected '\(Character(c))' with no matching opening bracket", at: here)
            }
            guard expected == c else {
                throw ChatTemplateError(.syntax, "unexpected '\(Character(c))', expected '\(Character(expected))'", at: here)
            }
        default: break
        }
        tokens.append(Token(kind: .op(String(Character(c))), location: here))
        pos += 1
    }

    private func string(_ start: Int, _ end: Int) -> String {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: s[start..<end])
        return String(view)
    }

    private func isDigit(_ i: Int) -> Bool { i < s.count && ("0"..."9").contains(s[i]) }

    /// Digits with single underscores between them (`1_000`); returns the end index.
    private func digitRun(_ start: Int) -> Int {
        var i = start
        while isDigit(i) || (i < s.count && s[i] == "_" && isDigit(i + 1) && i > start) { i += 1 }
        return i
    }

    private mutating func lexNumber(_ here: SourceLocation) throws(ChatTemplateError) {
        let start = pos
        var i = digitRun(pos)
        var isFloat = false
        // After `.` (attribute access like `foo.0`) Jinja reads an integer only.
        let afterDot = start > 0 && s[start - 1] == "."
        if !afterDot {
            if i + 1 < s.count, s[i] == ".", isDigit(i + 1) {
                i = digitRun(i + 1)
                isFloat = true
            }
            if i < s.count, s[i] == "e" || s[i] == "E" {
                var j = i + 1
                if j < s.count, s[j] == "+" || s[j] == "-" { j += 1 }
                if isDigit(j) {
                    i = digitRun(j)
                    isFloat = true
                }
            }
        }
        let text = string(start, i).filter { $0 != "_" }
        pos = i
        if isFloat {
            guard let value = Double(text) else {
                throw ChatTemplateError(.syntax, "invalid number literal '\(text)'", at: here)
            }
            tokens.append(Token(kind: .float(value), location: here))
        } else {
            guard let value = Int(text) else {
                throw ChatTemplateError(.syntax, "integer literal '\(text)' is too large", at: here)
            }
            tokens.append(Token(kind: .integer(value), location: here))
        }
    }

    private mutating func lexString(quote: Unicode.Scalar, _ here: SourceLocation) throws(ChatTemplateError) {
        var i = pos + 1
        var out = String.UnicodeScalarView()
        while true {
            guard i < s.count else {
                throw ChatTemplateError(.syntax, "unterminated string literal", at: here)
            }
            let c = s[i]
            if c == quote { break }
            if c != "\\" {
                out.append(c)
                i += 1
                continue
            }
            guard i + 1 < s.count else {
                throw ChatTemplateError(.syntax, "unterminated string literal", at: here)
            }
            let e = s[i + 1]
            i += 2
            switch e {
            case "n": out.append("\n")
            case "t": out.append("\t")
            case "r": out.append("\r")
            case "\\": out.append("\\")
            case "'": out.append("'")
            case "\"": out.append("\"")
            case "a": out.append("\u{07}")
            case "b": out.append("\u{08}")
            case "f": out.append("\u{0C}")
            case "v": out.append("\u{0B}")
            case "\n": break  // a backslash before a line break continues the line
            case "0"..."7":
                var value = e.value - 48
                var digits = 1
                while digits < 3, i < s.count, ("0"..."7").contains(s[i]) {
                    value = value * 8 + s[i].value - 48
                    i += 1
                    digits += 1
                }
                guard let scalar = Unicode.Scalar(value) else {
                    throw ChatTemplateError(.syntax, "invalid octal escape in string literal", at: here)
                }
                out.append(scalar)
            case "x", "u", "U":
                let width = e == "x" ? 2 : e == "u" ? 4 : 8
                guard i + width <= s.count,
                      let value = UInt32(string(i, i + width), radix: 16),
                      let scalar = Unicode.Scalar(value)
                else {
                    throw ChatTemplateError(.syntax, "invalid \\\(Character(e)) escape in string literal: expected \(width) hex digits", at: here)
                }
                out.append(scalar)
                i += width
            default:
                // Python keeps unknown escapes such as `\d` as written.
                out.append("\\")
                out.append(e)
            }
        }
        tokens.append(Token(kind: .string(String(out)), location: here))
        pos = i + 1
    }
}
