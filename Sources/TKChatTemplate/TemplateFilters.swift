import Foundation

/// Jinja's built-in filters that chat templates use, with transformers' `tojson`.
///
/// Names not listed here are rejected when the template is parsed (Jinja does the same at
/// compile time), so a template that needs a missing filter fails early with its location.
enum TemplateFilters {
    static let names: Set<String> = [
        "abs", "capitalize", "count", "d", "default", "dictsort", "e", "escape", "first", "float", "indent", "int",
        "items", "join", "last", "length", "list", "lower", "map", "max", "min", "reject", "rejectattr", "replace",
        "reverse", "round", "safe", "select", "selectattr", "sort", "string", "sum", "title", "tojson", "trim",
        "unique", "upper", "wordcount",
    ]

    static func apply(_ name: String, _ value: Value, _ arguments: CallArguments, renderer: TemplateRenderer) throws -> Value {
        switch name {
        case "default", "d":
            let fallback = arguments.get(0, "default_value") ?? .string("")
            let boolean = arguments.get(1, "boolean")?.isTruthy ?? false
            return value.isUndefined || (boolean && !value.isTruthy) ? fallback : value
        case "length", "count":
            return .int(try Operators.length(value))
        case "string":
            return .string(Python.str(value))
        case "safe":
            return value
        case "trim":
            let chars: String?
            switch arguments.get(0, "chars") {
            case .string(let s)?: chars = s
            default: chars = nil
            }
            return .string(PythonString.strip(Python.str(value), chars, leading: true, trailing: true))
        case "upper": return .string(Python.str(value).uppercased())
        case "lower": return .string(Python.str(value).lowercased())
        case "capitalize": return .string(PythonString.capitalize(Python.str(value)))
        case "title": return .string(jinjaTitle(Python.str(value)))
        case "replace":
            guard let old = arguments.get(0, "old"), let new = arguments.get(1, "new") else {
                throw TemplateFailure("replace needs the text to find and its replacement")
            }
            var count = -1
            if case .int(let c)? = arguments.get(2, "count")?.numeric { count = c }
            return .string(PythonString.replace(Python.str(value), Python.str(old), Python.str(new), count: count))
        case "escape", "e":
            var out = ""
            for ch in Python.str(value) {
                switch ch {
                case "&": out += "&amp;"
                case "<": out += "&lt;"
                case ">": out += "&gt;"
                case "\"": out += "&#34;"
                case "'": out += "&#39;"
                default: out.append(ch)
                }
            }
            return .string(out)
        case "wordcount":
            return .int(try PythonString.split(Python.str(value), separator: nil, maxSplit: -1, fromRight: false).count)
        case "tojson":
            return .string(try toJSON(value, arguments))
        case "join":
            let separator = arguments.get(0, "d").map(Python.str) ?? ""
            var items = try Operators.iterate(value)
            if let attribute = arguments.get(1, "attribute") { items = items.map { attributeChain($0, attribute) } }
            return .string(items.map(Python.str).joined(separator: separator))
        case "first":
            return try Operators.iterate(value).first ?? .undefined("the sequence is empty: no first item")
        case "last":
            if case .undefined = value { return .undefined("no last item of an undefined value") }
            let items = try Operators.iterate(value)
            return items.last ?? .undefined("the sequence is empty: no last item")
        case "list":
            return .list(try Operators.iterate(value))
        case "items":
            switch value {
            case .dictionary(let d): return .list(d.pairs.map { .tuple([.string($0.0), $0.1]) })
            case .undefined: return .list([])
            default: throw TemplateFailure("can only get item pairs from a mapping, not \(value.typeName)")
            }
        case "dictsort":
            guard case .dictionary(let d) = value else { throw TemplateFailure("dictsort needs a mapping") }
            let sorted = d.pairs.sorted { $0.0.lowercased().unicodeScalars.lexicographicallyPrecedes($1.0.lowercased().unicodeScalars) }
            let reverse = arguments.get(2, "reverse")?.isTruthy ?? false
            return .list((reverse ? sorted.reversed() : sorted).map { .tuple([.string($0.0), $0.1]) })
        case "reverse":
            if case .string(let s) = value { return .string(String(String.UnicodeScalarView(s.unicodeScalars.reversed()))) }
            return .list(try Operators.iterate(value).reversed())
        case "int":
            let fallback = arguments.get(0, "default") ?? .int(0)
            return toInt(value) ?? fallback
        case "float":
            let fallback = arguments.get(0, "default") ?? .double(0)
            return toFloat(value) ?? fallback
        case "abs":
            switch value.numeric {
            case .int(let i)?:
                guard i != .min else { throw TemplateFailure("integer overflow in abs") }
                return .int(abs(i))
            case .double(let d)?: return .double(abs(d))
            default: throw TemplateFailure("bad operand type for abs(): '\(value.typeName)'")
            }
        case "round":
            guard let number = value.numeric else { throw TemplateFailure("round needs a number, got \(value.typeName)") }
            var precision = 0
            if case .int(let p)? = arguments.get(0, "precision")?.numeric { precision = p }
            let method = arguments.get(1, "method").map(Python.str) ?? "common"
            let rule: FloatingPointRoundingRule =
                method == "ceil" ? .up : method == "floor" ? .down : .toNearestOrEven
            let scale = Foundation.pow(10.0, Double(precision))
            return .double((number.asDouble * scale).rounded(rule) / scale)
        case "sum":
            var items = try Operators.iterate(value)
            if let attribute = arguments.get(0, "attribute") { items = items.map { attributeChain($0, attribute) } }
            var total = arguments.get(1, "start") ?? .int(0)
            for item in items { total = try Operators.binary(.add, total, item) }
            return total
        case "max", "min":
            var items = try Operators.iterate(value)
            if let attribute = arguments.get(1, "attribute") { items = items.map { attributeChain($0, attribute) } }
            let caseSensitive = arguments.get(0, "case_sensitive")?.isTruthy ?? false
            guard var best = items.first else { return .undefined("\(name) of an empty sequence") }
            for item in items.dropFirst() {
                let better = name == "max"
                    ? try Operators.less(sortKey(best, caseSensitive), sortKey(item, caseSensitive))
                    : try Operators.less(sortKey(item, caseSensitive), sortKey(best, caseSensitive))
                if better { best = item }
            }
            return best
        case "sort":
            let reverse = arguments.get(0, "reverse")?.isTruthy ?? false
            let caseSensitive = arguments.get(1, "case_sensitive")?.isTruthy ?? false
            let attribute = arguments.get(2, "attribute")
            let items = try Operators.iterate(value)
            let keyed = items.map { item in (attribute.map { attributeChain(item, $0) } ?? item, item) }
            // Stable sort, as Python's is.
            let indexed = Array(keyed.enumerated())
            let sorted = try indexed.sorted { a, b in
                let ka = sortKey(a.element.0, caseSensitive), kb = sortKey(b.element.0, caseSensitive)
                if try Operators.less(ka, kb) { return !reverse }
                if try Operators.less(kb, ka) { return reverse }
                return a.offset < b.offset
            }
            return .list(sorted.map { $0.element.1 })
        case "unique":
            let caseSensitive = arguments.get(0, "case_sensitive")?.isTruthy ?? false
            var seen: [Value] = []
            var out: [Value] = []
            for item in try Operators.iterate(value) {
                let key = sortKey(item, caseSensitive)
                if !seen.contains(where: { Operators.equal($0, key) }) {
                    seen.append(key)
                    out.append(item)
                }
            }
            return .list(out)
        case "indent":
            return .string(indent(Python.str(value), arguments))
        case "map":
            let items = try Operators.iterate(value)
            if let attribute = arguments.keyword("attribute") {
                let fallback = arguments.keyword("default")
                return .list(items.map {
                    let found = attributeChain($0, attribute)
                    if found.isUndefined, let fallback { return fallback }
                    return found
                })
            }
            guard case .string(let filter)? = arguments.positional.first else {
                throw TemplateFailure("map needs a filter name or attribute=")
            }
            guard names.contains(filter) else { throw TemplateFailure("no filter named '\(filter)'") }
            let rest = CallArguments(Array(arguments.positional.dropFirst()), arguments.keywords)
            return .list(try items.map { try apply(filter, $0, rest, renderer: renderer) })
        case "select", "reject":
            let items = try Operators.iterate(value)
            let keep = name == "select"
            guard case .string(let test)? = arguments.positional.first else {
                return .list(items.filter { $0.isTruthy == keep })
            }
            let rest = Array(arguments.positional.dropFirst())
            return .list(try items.filter { try TemplatePredicates.test(test, $0, rest, renderer: renderer) == keep })
        case "selectattr", "rejectattr":
            let items = try Operators.iterate(value)
            let keep = name == "selectattr"
            guard let attribute = arguments.positional.first else { throw TemplateFailure("\(name) needs an attribute name") }
            let test: String?
            switch arguments.positional.dropFirst().first {
            case .string(let t)?: test = t
            default: test = nil
            }
            let rest = Array(arguments.positional.dropFirst(2))
            return .list(try items.filter { item in
                let field = attributeChain(item, attribute)
                let passed = try test.map { try TemplatePredicates.test($0, field, rest, renderer: renderer) } ?? field.isTruthy
                return passed == keep
            })
        default:
            throw TemplateFailure("no filter named '\(name)'")
        }
    }

    /// `attribute="a.b"` or an integer index, as Jinja's `make_attrgetter` reads it.
    static func attributeChain(_ value: Value, _ attribute: Value) -> Value {
        if case .int(let i) = attribute { return Members.item(value, .int(i)) }
        var current = value
        for part in Python.str(attribute).split(separator: ".", omittingEmptySubsequences: false) {
            if let i = Int(part) {
                current = Members.item(current, .int(i))
            } else {
                current = Members.item(current, .string(String(part)))
            }
        }
        return current
    }

    private static func sortKey(_ value: Value, _ caseSensitive: Bool) -> Value {
        if !caseSensitive, case .string(let s) = value { return .string(s.lowercased()) }
        return value
    }

    /// Jinja's `title` filter (not Python's): capitalises each word after `-`, whitespace or an opening bracket.
    private static func jinjaTitle(_ s: String) -> String {
        var out = ""
        var atWordStart = true
        var inWord = false
        for ch in s {
            let separator = ch.isWhitespace || "-({[<".contains(ch)
            if separator {
                out.append(ch)
                atWordStart = true
                inWord = false
            } else if atWordStart {
                out += ch.uppercased()
                atWordStart = false
                inWord = true
            } else {
                out += inWord ? ch.lowercased() : String(ch)
            }
        }
        return out
    }

    private static func toInt(_ value: Value) -> Value? {
        switch value {
        case .int(let i): return .int(i)
        case .bool(let b): return .int(b ? 1 : 0)
        case .double(let d):
            guard d.isFinite, abs(d) < 9.2e18 else { return nil }
            return .int(Int(d))
        case .string(let s):
            let trimmed = PythonString.strip(s, nil, leading: true, trailing: true).filter { $0 != "_" }
            if let i = Int(trimmed) { return .int(i) }
            if let d = Double(trimmed), d.isFinite, abs(d) < 9.2e18 { return .int(Int(d)) }
            return nil
        default: return nil
        }
    }

    private static func toFloat(_ value: Value) -> Value? {
        switch value {
        case .int(let i): return .double(Double(i))
        case .bool(let b): return .double(b ? 1 : 0)
        case .double(let d): return .double(d)
        case .string(let s):
            let trimmed = PythonString.strip(s, nil, leading: true, trailing: true)
            return Double(trimmed).map { .double($0) }
        default: return nil
        }
    }

    private static func toJSON(_ value: Value, _ arguments: CallArguments) throws -> String {
        // transformers: tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False)
        let ensureASCII = arguments.get(0, "ensure_ascii")?.isTruthy ?? false
        var indent: String? = nil
        switch arguments.get(1, "indent") {
        case .int(let n)?: indent = String(repeating: " ", count: max(0, n))
        case .string(let s)?: indent = s
        default: break
        }
        var separators: (item: String, key: String)? = nil
        switch arguments.get(2, "separators") {
        case .list(let pair)?, .tuple(let pair)?:
            guard pair.count == 2, case .string(let item) = pair[0], case .string(let key) = pair[1] else {
                throw TemplateFailure("separators must be a pair of strings")
            }
            separators = (item, key)
        default: break
        }
        let sortKeys = arguments.get(3, "sort_keys")?.isTruthy ?? false
        let json = try Python.json(value, indent: indent, separators: separators, sortKeys: sortKeys)
        guard ensureASCII else { return json }
        var out = ""
        for scalar in json.unicodeScalars {
            if scalar.value < 0x80 {
                out.unicodeScalars.append(scalar)
            } else {
                for unit in String(scalar).utf16 { out += "\\u" + Python.hex(UInt32(unit), width: 4) }
            }
        }
        return out
    }

    private static func indent(_ s: String, _ arguments: CallArguments) -> String {
        let width = arguments.get(0, "width") ?? .int(4)
        let indentation: String
        if case .string(let text) = width {
            indentation = text
        } else if case .int(let n)? = width.numeric {
            indentation = String(repeating: " ", count: max(0, n))
        } else {
            indentation = "    "
        }
        let first = arguments.get(1, "first")?.isTruthy ?? false
        let blank = arguments.get(2, "blank")?.isTruthy ?? false
        let lines = PythonString.splitLines(s + "\n")
        var result: String
        if blank {
            result = lines.joined(separator: "\n" + indentation)
        } else {
            result = lines.first ?? ""
            if lines.count > 1 {
                result += "\n" + lines.dropFirst().map { $0.isEmpty ? $0 : indentation + $0 }.joined(separator: "\n")
            }
        }
        return first ? indentation + result : result
    }
}
