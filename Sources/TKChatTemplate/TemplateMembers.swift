/// Attribute access, subscripts and methods on values: `message.role`, `message['role']`,
/// `text.strip()`, `d.items()`, `loop.index`.
///
/// Jinja's `a.b` asks the Python object for attribute `b` first and falls back to `a['b']`;
/// `a['b']` does the reverse. So `message.items` is the dict method while `message['items']`
/// is the key. Anything missing is undefined, including attributes of undefined (friendlier
/// than jinja2's default `Undefined`, which raises there).
enum Members {
    static let stringMethods: Set<String> = [
        "strip", "lstrip", "rstrip", "startswith", "endswith", "split", "rsplit", "splitlines", "upper", "lower",
        "replace", "title", "capitalize", "find", "rfind", "count", "join", "isdigit", "isalpha", "isalnum",
        "isspace", "islower", "isupper", "removeprefix", "removesuffix", "swapcase", "index",
    ]
    static let dictionaryMethods: Set<String> = ["items", "keys", "values", "get"]
    static let listMethods: Set<String> = ["index", "count"]

    static func attribute(_ value: Value, _ name: String) -> Value {
        switch value {
        case .dictionary(let d):
            if dictionaryMethods.contains(name) { return .method(value, name) }
            return d[name] ?? .undefined("'dict object' has no attribute '\(name)'")
        case .string:
            if stringMethods.contains(name) { return .method(value, name) }
        case .list, .tuple:
            if listMethods.contains(name) { return .method(value, name) }
        case .namespace(let ns):
            return ns.attributes[name] ?? .undefined("namespace has no attribute '\(name)'")
        case .loop(let state):
            if let member = loopMember(state, name) { return member }
        case .undefined(let why):
            return .undefined(why)
        default:
            break
        }
        return .undefined("'\(value.typeName) object' has no attribute '\(name)'")
    }

    static func item(_ value: Value, _ key: Value) -> Value {
        switch (value, key) {
        case (.dictionary(let d), .string(let name)):
            if let found = d[name] { return found }
            return attribute(value, name)
        case (.list, _), (.tuple, _), (.string, _):
            if case .int(let i)? = key.numeric { return Operators.index(value, i) }
            if case .string(let name) = key { return attribute(value, name) }
        case (.namespace, .string(let name)), (.loop, .string(let name)):
            return attribute(value, name)
        case (.undefined(let why), _):
            return .undefined(why)
        default:
            break
        }
        return .undefined("'\(value.typeName) object' has no item \(Python.repr(key))")
    }

    private static func loopMember(_ state: Value.LoopState, _ name: String) -> Value? {
        switch name {
        case "index": .int(state.index0 + 1)
        case "index0": .int(state.index0)
        case "revindex": .int(state.length - state.index0)
        case "revindex0": .int(state.length - state.index0 - 1)
        case "first": .bool(state.index0 == 0)
        case "last": .bool(state.index0 == state.length - 1)
        case "length": .int(state.length)
        case "depth": .int(1)
        case "depth0": .int(0)
        case "previtem": state.previous ?? .undefined("there is no previous item")
        case "nextitem": state.nextItem ?? .undefined("there is no next item")
        case "cycle": .method(.loop(state), "cycle")
        default: nil
        }
    }

    // MARK: - Methods

    static func callMethod(_ receiver: Value, _ name: String, _ arguments: CallArguments) throws -> Value {
        switch receiver {
        case .string(let s): return try stringMethod(s, name, arguments)
        case .dictionary(let d): return try dictionaryMethod(d, name, arguments)
        case .list(let items), .tuple(let items):
            switch name {
            case "count":
                guard let item = arguments.get(0, "x") else { throw TemplateFailure("count() takes exactly one argument") }
                return .int(items.filter { Operators.equal($0, item) }.count)
            default:
                guard let item = arguments.get(0, "x") else { throw TemplateFailure("index() takes one argument") }
                guard let i = items.firstIndex(where: { Operators.equal($0, item) }) else {
                    throw TemplateFailure("\(Python.repr(item)) is not in list")
                }
                return .int(i)
            }
        case .loop(let state):
            guard !arguments.positional.isEmpty else { throw TemplateFailure("no items for cycling given") }
            return arguments.positional[state.index0 % arguments.positional.count]
        default:
            throw TemplateFailure("'\(receiver.typeName)' object has no method '\(name)'")
        }
    }

    private static func dictionaryMethod(_ d: Value.Dictionary, _ name: String, _ arguments: CallArguments) throws -> Value {
        switch name {
        case "items": return .list(d.pairs.map { .tuple([.string($0.0), $0.1]) })
        case "keys": return .list(d.keys.map { .string($0) })
        case "values": return .list(d.pairs.map { $0.1 })
        default:
            guard let key = arguments.get(0, "key") else { throw TemplateFailure("get() takes at least one argument") }
            let fallback = arguments.get(1, "default") ?? .none
            guard case .string(let name) = key else { return fallback }
            return d[name] ?? fallback
        }
    }

    private static func string(_ arguments: CallArguments, _ index: Int, _ name: String) throws -> String? {
        guard let value = arguments.get(index, name) else { return nil }
        switch value {
        case .none: return nil
        case .string(let s): return s
        default: throw TemplateFailure("argument '\(name)' must be a string, not \(value.typeName)")
        }
    }

    private static func int(_ arguments: CallArguments, _ index: Int, _ name: String) throws -> Int? {
        guard let value = arguments.get(index, name) else { return nil }
        if case .none = value { return nil }
        guard case .int(let i)? = value.numeric else {
            throw TemplateFailure("argument '\(name)' must be an integer, not \(value.typeName)")
        }
        return i
    }

    /// Prefix/suffix arguments: a string or a tuple/list of strings.
    private static func affixes(_ arguments: CallArguments) throws -> [String] {
        switch arguments.get(0, "prefix") {
        case .string(let s)?: return [s]
        case .list(let items)?, .tuple(let items)?:
            return try items.map {
                guard case .string(let s) = $0 else { throw TemplateFailure("tuple items must be strings") }
                return s
            }
        default: throw TemplateFailure("startswith/endswith take a string or a tuple of strings")
        }
    }

    static func stringMethod(_ s: String, _ name: String, _ arguments: CallArguments) throws -> Value {
        switch name {
        case "strip": return .string(PythonString.strip(s, try string(arguments, 0, "chars"), leading: true, trailing: true))
        case "lstrip": return .string(PythonString.strip(s, try string(arguments, 0, "chars"), leading: true, trailing: false))
        case "rstrip": return .string(PythonString.strip(s, try string(arguments, 0, "chars"), leading: false, trailing: true))
        case "startswith": return .bool(try affixes(arguments).contains { s.unicodeScalars.starts(with: $0.unicodeScalars) })
        case "endswith":
            return .bool(try affixes(arguments).contains { s.unicodeScalars.reversed().starts(with: $0.unicodeScalars.reversed()) })
        case "split", "rsplit":
            let parts = try PythonString.split(s, separator: try string(arguments, 0, "sep"),
                                               maxSplit: try int(arguments, 1, "maxsplit") ?? -1, fromRight: name == "rsplit")
            return .list(parts.map { .string($0) })
        case "splitlines": return .list(PythonString.splitLines(s).map { .string($0) })
        case "upper": return .string(s.uppercased())
        case "lower": return .string(s.lowercased())
        case "swapcase":
            return .string(String(s.map { $0.isUppercase ? Character($0.lowercased()) : Character($0.uppercased()) }))
        case "title": return .string(PythonString.title(s))
        case "capitalize": return .string(PythonString.capitalize(s))
        case "replace":
            guard let old = try string(arguments, 0, "old"), let new = try string(arguments, 1, "new") else {
                throw TemplateFailure("replace() takes two string arguments")
            }
            return .string(PythonString.replace(s, old, new, count: try int(arguments, 2, "count") ?? -1))
        case "find", "rfind", "index":
            guard let needle = try string(arguments, 0, "sub") else { throw TemplateFailure("\(name)() takes a string") }
            let position = PythonString.find(s, needle, fromRight: name == "rfind")
            if name == "index" && position < 0 { throw TemplateFailure("substring not found") }
            return .int(position)
        case "count":
            guard let needle = try string(arguments, 0, "sub") else { throw TemplateFailure("count() takes a string") }
            return .int(PythonString.count(s, needle))
        case "join":
            guard let iterable = arguments.get(0, "iterable") else { throw TemplateFailure("join() takes one argument") }
            let items = try Operators.iterate(iterable)
            return .string(try items.map {
                guard case .string(let item) = $0 else {
                    throw TemplateFailure("sequence item: expected str instance, \($0.typeName) found")
                }
                return item
            }.joined(separator: s))
        case "removeprefix":
            let prefix = try string(arguments, 0, "prefix") ?? ""
            return .string(s.unicodeScalars.starts(with: prefix.unicodeScalars)
                ? String(String.UnicodeScalarView(s.unicodeScalars.dropFirst(prefix.unicodeScalars.count))) : s)
        case "removesuffix":
            let suffix = try string(arguments, 0, "suffix") ?? ""
            return .string(!suffix.isEmpty && s.unicodeScalars.reversed().starts(with: suffix.unicodeScalars.reversed())
                ? String(String.UnicodeScalarView(s.unicodeScalars.dropLast(suffix.unicodeScalars.count))) : s)
        case "isdigit": return .bool(!s.isEmpty && s.unicodeScalars.allSatisfy { $0.properties.numericType == .decimal })
        case "isalpha": return .bool(!s.isEmpty && s.unicodeScalars.allSatisfy { $0.properties.isAlphabetic })
        case "isalnum":
            return .bool(!s.isEmpty && s.unicodeScalars.allSatisfy { $0.properties.isAlphabetic || $0.properties.numericType != nil })
        case "isspace": return .bool(!s.isEmpty && s.unicodeScalars.allSatisfy(PythonString.isSpace))
        case "islower": return .bool(s.contains { $0.isCased } && s == s.lowercased())
        case "isupper": return .bool(s.contains { $0.isCased } && s == s.uppercased())
        default: throw TemplateFailure("'str' object has no method '\(name)'")
        }
    }
}

/// Python `str` methods, counting in Unicode scalars as Python does.
enum PythonString {
    static func isSpace(_ c: Unicode.Scalar) -> Bool {
        switch c.value {
        case 0x09...0x0D, 0x1C...0x20, 0x85, 0xA0: return true
        default: return c.value > 0x7F && c.properties.isWhitespace
        }
    }

    static func strip(_ s: String, _ chars: String?, leading: Bool, trailing: Bool) -> String {
        let set = chars.map { Set($0.unicodeScalars) }
        let remove: (Unicode.Scalar) -> Bool = { c in set?.contains(c) ?? isSpace(c) }
        var scalars = Substring(s).unicodeScalars[...]
        if leading { while let first = scalars.first, remove(first) { scalars.removeFirst() } }
        if trailing { while let last = scalars.last, remove(last) { scalars.removeLast() } }
        return String(String.UnicodeScalarView(scalars))
    }

    static func split(_ s: String, separator: String?, maxSplit: Int, fromRight: Bool) throws -> [String] {
        let scalars = Array(s.unicodeScalars)
        func text(_ range: Range<Int>) -> String { String(String.UnicodeScalarView(scalars[range])) }
        guard let separator else {
            // Runs of whitespace separate; leading and trailing whitespace gives no empty parts.
            var words: [Range<Int>] = []
            var i = 0
            while i < scalars.count {
                while i < scalars.count, isSpace(scalars[i]) { i += 1 }
                guard i < scalars.count else { break }
                let start = i
                while i < scalars.count, !isSpace(scalars[i]) { i += 1 }
                words.append(start..<i)
            }
            guard maxSplit >= 0, words.count > maxSplit + 1 else { return words.map(text) }
            if fromRight {
                let kept = words.suffix(maxSplit)
                var headEnd = kept.first?.lowerBound ?? scalars.count
                while headEnd > 0, isSpace(scalars[headEnd - 1]) { headEnd -= 1 }
                return [text(words[0].lowerBound..<headEnd)] + kept.map(text)
            }
            let kept = words.prefix(maxSplit)
            var tailStart = kept.last?.upperBound ?? 0
            while tailStart < scalars.count, isSpace(scalars[tailStart]) { tailStart += 1 }
            return kept.map(text) + [text(tailStart..<scalars.count)]
        }
        let sep = Array(separator.unicodeScalars)
        guard !sep.isEmpty else { throw TemplateFailure("empty separator") }
        var cuts: [Int] = []
        var i = 0
        while i + sep.count <= scalars.count {
            if Array(scalars[i..<(i + sep.count)]) == sep {
                cuts.append(i)
                i += sep.count
            } else {
                i += 1
            }
        }
        if maxSplit >= 0 && cuts.count > maxSplit {
            cuts = fromRight ? Array(cuts.suffix(maxSplit)) : Array(cuts.prefix(maxSplit))
        }
        var parts: [String] = []
        var start = 0
        for cut in cuts {
            parts.append(text(start..<cut))
            start = cut + sep.count
        }
        parts.append(text(start..<scalars.count))
        return parts
    }

    static func splitLines(_ s: String) -> [String] {
        var lines: [String] = []
        var current = String.UnicodeScalarView()
        var previousCR = false
        for c in s.unicodeScalars {
            if c == "\n" && previousCR {
                previousCR = false
                continue
            }
            previousCR = c == "\r"
            if ["\n", "\r", "\u{0B}", "\u{0C}", "\u{1C}", "\u{1D}", "\u{1E}", "\u{85}", "\u{2028}", "\u{2029}"].contains(c) {
                lines.append(String(current))
                current = String.UnicodeScalarView()
            } else {
                current.append(c)
            }
        }
        if !current.isEmpty { lines.append(String(current)) }
        return lines
    }

    static func replace(_ s: String, _ old: String, _ new: String, count: Int) -> String {
        if count == 0 { return s }
        let scalars = Array(s.unicodeScalars)
        let o = Array(old.unicodeScalars)
        var out = String.UnicodeScalarView()
        var replaced = 0
        if o.isEmpty {
            // Python inserts `new` between every character and at both ends.
            for c in scalars {
                if count < 0 || replaced < count {
                    out.append(contentsOf: new.unicodeScalars)
                    replaced += 1
                }
                out.append(c)
            }
            if count < 0 || replaced < count { out.append(contentsOf: new.unicodeScalars) }
            return String(out)
        }
        var i = 0
        while i < scalars.count {
            if (count < 0 || replaced < count), i + o.count <= scalars.count, Array(scalars[i..<(i + o.count)]) == o {
                out.append(contentsOf: new.unicodeScalars)
                i += o.count
                replaced += 1
            } else {
                out.append(scalars[i])
                i += 1
            }
        }
        return String(out)
    }

    static func find(_ s: String, _ needle: String, fromRight: Bool) -> Int {
        let scalars = Array(s.unicodeScalars)
        let n = Array(needle.unicodeScalars)
        guard n.count <= scalars.count else { return -1 }
        let positions = Array(0...(scalars.count - n.count))
        for i in fromRight ? positions.reversed() : positions where Array(scalars[i..<(i + n.count)]) == n {
            return i
        }
        return -1
    }

    static func count(_ s: String, _ needle: String) -> Int {
        let scalars = Array(s.unicodeScalars)
        let n = Array(needle.unicodeScalars)
        if n.isEmpty { return scalars.count + 1 }
        var total = 0, i = 0
        while i + n.count <= scalars.count {
            if Array(scalars[i..<(i + n.count)]) == n {
                total += 1
                i += n.count
            } else {
                i += 1
            }
        }
        return total
    }

    /// Python's `str.title()`: a letter after a cased letter is lowered, any other letter raised.
    static func title(_ s: String) -> String {
        var out = ""
        var previousCased = false
        for ch in s {
            if ch.isCased {
                out += previousCased ? ch.lowercased() : ch.uppercased()
                previousCased = true
            } else {
                out.append(ch)
                previousCased = false
            }
        }
        return out
    }

    static func capitalize(_ s: String) -> String {
        guard let first = s.first else { return s }
        return first.uppercased() + s.dropFirst().lowercased()
    }
}
