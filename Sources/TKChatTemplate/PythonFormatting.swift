import Foundation

/// A failure inside a value operation; the renderer adds the source location of the expression.
struct TemplateFailure: Error {
    var message: String
    var kind: ChatTemplateError.Kind = .render
    init(_ message: String, kind: ChatTemplateError.Kind = .render) {
        self.message = message
        self.kind = kind
    }
}

/// How Python writes values, which is what Jinja outputs: `str()` for `{{ x }}`, `repr()` inside
/// lists and dicts, `repr(float)` for numbers, and `json.dumps` for transformers' `tojson`.
enum Python {
    /// `str(value)`; undefined prints as the empty string.
    static func str(_ value: Value) -> String {
        switch value {
        case .undefined: return ""
        case .string(let s): return s
        default: return repr(value)
        }
    }

    static func repr(_ value: Value) -> String {
        switch value {
        case .undefined: return "Undefined"
        case .none: return "None"
        case .bool(let b): return b ? "True" : "False"
        case .int(let i): return String(i)
        case .double(let d): return floatRepr(d)
        case .string(let s): return stringRepr(s)
        case .list(let items): return "[" + items.map(repr).joined(separator: ", ") + "]"
        case .tuple(let items):
            return items.count == 1 ? "(" + repr(items[0]) + ",)" : "(" + items.map(repr).joined(separator: ", ") + ")"
        case .dictionary(let d):
            return "{" + d.pairs.map { stringRepr($0.0) + ": " + repr($0.1) }.joined(separator: ", ") + "}"
        case .namespace(let ns):
            return "<Namespace " + repr(.dictionary(ns.attributes)) + ">"
        case .loop: return "<LoopContext>"
        case .macro(let macro, _): return "<Macro '\(macro.name)'>"
        case .method(_, let name), .builtin(let name): return "<function \(name)>"
        }
    }

    /// `repr(str)`: single quotes unless the text has a single quote and no double quote.
    static func stringRepr(_ s: String) -> String {
        let quote: Unicode.Scalar = s.contains("'") && !s.contains("\"") ? "\"" : "'"
        var out = String.UnicodeScalarView()
        out.append(quote)
        for c in s.unicodeScalars {
            switch c {
            case "\\": out.append(contentsOf: "\\\\".unicodeScalars)
            case "\n": out.append(contentsOf: "\\n".unicodeScalars)
            case "\r": out.append(contentsOf: "\\r".unicodeScalars)
            case "\t": out.append(contentsOf: "\\t".unicodeScalars)
            case quote:
                out.append("\\")
                out.append(c)
            default:
                if c.value < 0x20 || (0x7F...0xA0).contains(c.value) || c.value == 0xAD {
                    out.append(contentsOf: "\\x".unicodeScalars)
                    out.append(contentsOf: hex(c.value, width: 2).unicodeScalars)
                } else {
                    out.append(c)
                }
            }
        }
        out.append(quote)
        return String(out)
    }

    static func hex(_ value: UInt32, width: Int) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    /// `repr(float)`: the shortest digits that round-trip (Swift computes the same ones), written
    /// in fixed notation when the decimal exponent is in -4..<16 and in `1e+16` style otherwise.
    static func floatRepr(_ d: Double) -> String {
        if d.isNaN { return "nan" }
        if d.isInfinite { return d < 0 ? "-inf" : "inf" }
        if d == 0 { return d.sign == .minus ? "-0.0" : "0.0" }
        // Swift's description gives the shortest round-trip digits; take them apart.
        var text = "\(d.magnitude)"
        var exponent = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            exponent = Int(text[text.index(after: e)...]) ?? 0
            text = String(text[..<e])
        }
        var digits = ""
        var pointPosition = text.count
        if let dot = text.firstIndex(of: ".") {
            pointPosition = text.distance(from: text.startIndex, to: dot)
            digits = text.replacingOccurrences(of: ".", with: "")
        } else {
            digits = text
        }
        // Normalise to digits d1 d2 ... with the value = 0.d1d2... × 10^(decimalExponent + 1).
        var leadingZeros = 0
        for ch in digits {
            if ch == "0" { leadingZeros += 1 } else { break }
        }
        digits.removeFirst(leadingZeros)
        while digits.hasSuffix("0") { digits.removeLast() }
        if digits.isEmpty { digits = "0" }
        // Scientific exponent of the first significant digit.
        let sciExponent = pointPosition - leadingZeros - 1 + exponent
        let sign = d < 0 ? "-" : ""
        if sciExponent < -4 || sciExponent >= 16 {
            let mantissa = digits.count == 1 ? digits : String(digits.first!) + "." + digits.dropFirst()
            let expSign = sciExponent < 0 ? "-" : "+"
            let expDigits = String(abs(sciExponent))
            return sign + mantissa + "e" + expSign + (expDigits.count < 2 ? "0" + expDigits : expDigits)
        }
        if sciExponent < 0 {
            return sign + "0." + String(repeating: "0", count: -sciExponent - 1) + digits
        }
        let integerCount = sciExponent + 1
        if digits.count <= integerCount {
            return sign + digits + String(repeating: "0", count: integerCount - digits.count) + ".0"
        }
        let split = digits.index(digits.startIndex, offsetBy: integerCount)
        return sign + digits[..<split] + "." + digits[split...]
    }

    // MARK: - json.dumps

    /// `json.dumps(value, ensure_ascii=False, indent=…, separators=…, sort_keys=…)`, which is
    /// transformers' `tojson` filter (not Jinja's HTML-escaping one).
    static func json(_ value: Value, indent: String?, separators: (item: String, key: String)?, sortKeys: Bool)
        throws -> String
    {
        let itemSeparator = separators?.item ?? (indent == nil ? ", " : ",")
        let keySeparator = separators?.key ?? ": "
        var out = ""
        try writeJSON(value, into: &out, indent: indent, level: 0, itemSeparator: itemSeparator,
                      keySeparator: keySeparator, sortKeys: sortKeys)
        return out
    }

    private static func writeJSON(_ value: Value, into out: inout String, indent: String?, level: Int,
                                  itemSeparator: String, keySeparator: String, sortKeys: Bool) throws
    {
        func newline(_ level: Int) {
            if let indent {
                out += "\n"
                for _ in 0..<level { out += indent }
            }
        }
        switch value {
        case .none: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .int(let i): out += String(i)
        case .double(let d):
            if d.isNaN { out += "NaN" } else if d.isInfinite { out += d < 0 ? "-Infinity" : "Infinity" } else {
                out += floatRepr(d)
            }
        case .string(let s): out += jsonString(s)
        case .list(let items), .tuple(let items):
            if items.isEmpty {
                out += "[]"
                return
            }
            out += "["
            for (i, item) in items.enumerated() {
                if i > 0 { out += itemSeparator }
                newline(level + 1)
                try writeJSON(item, into: &out, indent: indent, level: level + 1, itemSeparator: itemSeparator,
                              keySeparator: keySeparator, sortKeys: sortKeys)
            }
            newline(level)
            out += "]"
        case .dictionary(let d):
            try writeObject(d, into: &out, indent: indent, level: level, itemSeparator: itemSeparator,
                            keySeparator: keySeparator, sortKeys: sortKeys)
        case .undefined, .namespace, .loop, .macro, .method, .builtin:
            // jinja2's Namespace and Undefined are not dicts or values; json.dumps rejects them too.
            throw TemplateFailure("Object of type \(value.typeName) is not JSON serializable")
        }
    }

    private static func writeObject(_ d: Value.Dictionary, into out: inout String, indent: String?, level: Int,
                                    itemSeparator: String, keySeparator: String, sortKeys: Bool) throws
    {
        if d.count == 0 {
            out += "{}"
            return
        }
        var pairs = d.pairs
        if sortKeys { pairs.sort { $0.0.unicodeScalars.lexicographicallyPrecedes($1.0.unicodeScalars) } }
        out += "{"
        for (i, (key, item)) in pairs.enumerated() {
            if i > 0 { out += itemSeparator }
            if let indent {
                out += "\n"
                for _ in 0...level { out += indent }
            }
            out += jsonString(key) + keySeparator
            try writeJSON(item, into: &out, indent: indent, level: level + 1, itemSeparator: itemSeparator,
                          keySeparator: keySeparator, sortKeys: sortKeys)
        }
        if let indent {
            out += "\n"
            for _ in 0..<level { out += indent }
        }
        out += "}"
    }

    /// A JSON string as Python writes it with `ensure_ascii=False`: only `"`, `\` and control
    /// characters are escaped.
    static func jsonString(_ s: String) -> String {
        var out = String.UnicodeScalarView()
        out.append("\"")
        for c in s.unicodeScalars {
            switch c {
            case "\"": out.append(contentsOf: "\\\"".unicodeScalars)
            case "\\": out.append(contentsOf: "\\\\".unicodeScalars)
            case "\n": out.append(contentsOf: "\\n".unicodeScalars)
            case "\r": out.append(contentsOf: "\\r".unicodeScalars)
            case "\t": out.append(contentsOf: "\\t".unicodeScalars)
            case "\u{08}": out.append(contentsOf: "\\b".unicodeScalars)
            case "\u{0C}": out.append(contentsOf: "\\f".unicodeScalars)
            default:
                if c.value < 0x20 {
                    out.append(contentsOf: ("\\u" + hex(c.value, width: 4)).unicodeScalars)
                } else {
                    out.append(c)
                }
            }
        }
        out.append("\"")
        return String(out)
    }

    // MARK: - strftime

    private static let weekdays = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]
    private static let months = ["January", "February", "March", "April", "May", "June", "July", "August",
                                 "September", "October", "November", "December"]

    /// `datetime.strftime(format)` in the C locale, for the directives templates use
    /// (`%d %b %Y`, `%Y-%m-%d`, `%H:%M`, …) plus glibc's `%-d` style flag that drops padding.
    static func strftime(_ format: String, date: Date, timeZone: TimeZone) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second, .weekday, .nanosecond], from: date)
        let year = c.year ?? 1970, month = c.month ?? 1, day = c.day ?? 1
        let hour = c.hour ?? 0, minute = c.minute ?? 0, second = c.second ?? 0
        let weekday = (c.weekday ?? 1) - 1  // 0 = Sunday
        let dayOfYear = calendar.ordinality(of: .day, in: .year, for: date) ?? 1
        func pad(_ value: Int, _ width: Int, _ noPad: Bool) -> String {
            let digits = String(value)
            return noPad ? digits : String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        var out = ""
        let chars = Array(format)
        var i = 0
        while i < chars.count {
            let ch = chars[i]
            guard ch == "%", i + 1 < chars.count else {
                out.append(ch)
                i += 1
                continue
            }
            var directive = chars[i + 1]
            var noPad = false
            if directive == "-", i + 2 < chars.count {
                noPad = true
                directive = chars[i + 2]
                i += 1
            }
            i += 2
            switch directive {
            case "Y": out += String(year)
            case "y": out += pad(year % 100, 2, noPad)
            case "m": out += pad(month, 2, noPad)
            case "d": out += pad(day, 2, noPad)
            case "e": out += noPad ? String(day) : (day < 10 ? " " : "") + String(day)
            case "H": out += pad(hour, 2, noPad)
            case "I": out += pad(hour % 12 == 0 ? 12 : hour % 12, 2, noPad)
            case "M": out += pad(minute, 2, noPad)
            case "S": out += pad(second, 2, noPad)
            case "p": out += hour < 12 ? "AM" : "PM"
            case "j": out += pad(dayOfYear, 3, noPad)
            case "a": out += String(weekdays[weekday].prefix(3))
            case "A": out += weekdays[weekday]
            case "w": out += String(weekday)
            case "u": out += String(weekday == 0 ? 7 : weekday)
            case "b", "h": out += String(months[month - 1].prefix(3))
            case "B": out += months[month - 1]
            case "f": out += pad((c.nanosecond ?? 0) / 1000, 6, false)
            case "F": out += String(year) + "-" + pad(month, 2, false) + "-" + pad(day, 2, false)
            case "T": out += pad(hour, 2, false) + ":" + pad(minute, 2, false) + ":" + pad(second, 2, false)
            case "%": out += "%"
            default:
                out.append("%")
                if noPad { out.append("-") }
                out.append(directive)
            }
        }
        return out
    }
}
