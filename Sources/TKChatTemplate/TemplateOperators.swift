import Foundation

/// Python semantics for the operators templates use: arithmetic with int overflow reported
/// instead of trapping, `==` across int/float/bool, ordering, `in`, indexing and slicing by
/// Unicode scalar (Python's code points).
enum Operators {
    static func binary(_ op: BinaryOperator, _ a: Value, _ b: Value) throws -> Value {
        if op == .concat { return .string(Python.str(a) + Python.str(b)) }
        if case .undefined(let why) = a { throw TemplateFailure(why) }
        if case .undefined(let why) = b { throw TemplateFailure(why) }
        switch (op, a, b) {
        case (.add, .string(let x), .string(let y)): return .string(x + y)
        case (.add, .list(let x), .list(let y)): return .list(x + y)
        case (.add, .tuple(let x), .tuple(let y)): return .tuple(x + y)
        case (.multiply, .string(let s), _) where b.isInteger: return .string(try repeated(s, b))
        case (.multiply, _, .string(let s)) where a.isInteger: return .string(try repeated(s, a))
        case (.multiply, .list(let items), _) where b.isInteger: return .list(try repeatedList(items, b))
        case (.multiply, _, .list(let items)) where a.isInteger: return .list(try repeatedList(items, a))
        case (.modulo, .string, _):
            throw TemplateFailure("printf-style '%' string formatting is not supported; use '~' or the 'format' of your message instead")
        default: break
        }
        guard let x = a.numeric, let y = b.numeric else {
            throw TemplateFailure("unsupported operand type(s) for \(op.rawValue): '\(a.typeName)' and '\(b.typeName)'")
        }
        return try arithmetic(op, x, y)
    }

    private static func repeated(_ s: String, _ count: Value) throws -> String {
        guard case .int(let n)? = count.numeric else { return "" }
        guard n <= 1_000_000 / max(1, s.utf8.count) else { throw TemplateFailure("string repetition too large") }
        return n <= 0 ? "" : String(repeating: s, count: n)
    }

    private static func repeatedList(_ items: [Value], _ count: Value) throws -> [Value] {
        guard case .int(let n)? = count.numeric else { return [] }
        guard n <= 1_000_000 / max(1, items.count) else { throw TemplateFailure("list repetition too large") }
        return n <= 0 ? [] : Array([[Value]](repeating: items, count: n).joined())
    }

    private static func overflow(_ op: BinaryOperator) -> TemplateFailure {
        TemplateFailure("integer overflow in '\(op.rawValue)': the result does not fit in 64 bits")
    }

    private static func arithmetic(_ op: BinaryOperator, _ x: Value.Numeric, _ y: Value.Numeric) throws -> Value {
        if case .int(let i) = x, case .int(let j) = y {
            switch op {
            case .add:
                let (r, o) = i.addingReportingOverflow(j)
                if o { throw overflow(op) }
                return .int(r)
            case .subtract:
                let (r, o) = i.subtractingReportingOverflow(j)
                if o { throw overflow(op) }
                return .int(r)
            case .multiply:
                let (r, o) = i.multipliedReportingOverflow(by: j)
                if o { throw overflow(op) }
                return .int(r)
            case .divide:
                guard j != 0 else { throw TemplateFailure("division by zero") }
                return .double(Double(i) / Double(j))
            case .floorDivide:
                guard j != 0 else { throw TemplateFailure("integer division or modulo by zero") }
                guard !(i == .min && j == -1) else { throw overflow(op) }
                let q = i / j
                return .int((i % j != 0 && (i < 0) != (j < 0)) ? q - 1 : q)
            case .modulo:
                guard j != 0 else { throw TemplateFailure("integer division or modulo by zero") }
                guard !(i == .min && j == -1) else { return .int(0) }
                let r = i % j
                return .int(r != 0 && (r < 0) != (j < 0) ? r + j : r)
            case .power:
                if j < 0 { return .double(Foundation.pow(Double(i), Double(j))) }
                var result = 1, base = i, exponent = j
                while exponent > 0 {
                    if exponent & 1 == 1 {
                        let (r, o) = result.multipliedReportingOverflow(by: base)
                        if o { throw overflow(op) }
                        result = r
                    }
                    exponent >>= 1
                    if exponent > 0 {
                        let (b, o) = base.multipliedReportingOverflow(by: base)
                        if o { throw overflow(op) }
                        base = b
                    }
                }
                return .int(result)
            case .concat:
                return .string("")  // handled by the caller
            }
        }
        let a = x.asDouble, b = y.asDouble
        switch op {
        case .add: return .double(a + b)
        case .subtract: return .double(a - b)
        case .multiply: return .double(a * b)
        case .divide:
            guard b != 0 else { throw TemplateFailure("float division by zero") }
            return .double(a / b)
        case .floorDivide:
            guard b != 0 else { throw TemplateFailure("float floor division by zero") }
            return .double((a / b).rounded(.down))
        case .modulo:
            guard b != 0 else { throw TemplateFailure("float modulo by zero") }
            let r = a.truncatingRemainder(dividingBy: b)
            return .double(r != 0 && (r < 0) != (b < 0) ? r + b : r)
        case .power: return .double(Foundation.pow(a, b))
        case .concat: return .string("")
        }
    }

    // MARK: - Comparison

    /// Python `==`.
    static func equal(_ a: Value, _ b: Value) -> Bool {
        switch (a, b) {
        case (.undefined, .undefined), (.none, .none): return true
        case (.string(let x), .string(let y)): return x.unicodeScalars.elementsEqual(y.unicodeScalars)
        case (.list(let x), .list(let y)), (.tuple(let x), .tuple(let y)):
            return x.count == y.count && zip(x, y).allSatisfy { equal($0, $1) }
        case (.dictionary(let x), .dictionary(let y)):
            guard x.count == y.count else { return false }
            return x.pairs.allSatisfy { key, value in y[key].map { equal(value, $0) } ?? false }
        case (.namespace(let x), .namespace(let y)): return x === y
        default:
            if let x = a.numeric, let y = b.numeric {
                if case .int(let i) = x, case .int(let j) = y { return i == j }
                return x.asDouble == y.asDouble
            }
            return false
        }
    }

    /// Python `<`; throws for types Python cannot order.
    static func less(_ a: Value, _ b: Value) throws -> Bool {
        switch (a, b) {
        case (.string(let x), .string(let y)):
            return x.unicodeScalars.lexicographicallyPrecedes(y.unicodeScalars)
        case (.list(let x), .list(let y)), (.tuple(let x), .tuple(let y)):
            for (p, q) in zip(x, y) where !equal(p, q) { return try less(p, q) }
            return x.count < y.count
        default:
            if let x = a.numeric, let y = b.numeric {
                if case .int(let i) = x, case .int(let j) = y { return i < j }
                return x.asDouble < y.asDouble
            }
            throw TemplateFailure("'<' not supported between instances of '\(a.typeName)' and '\(b.typeName)'")
        }
    }

    static func compare(_ op: CompareOperator, _ a: Value, _ b: Value) throws -> Bool {
        switch op {
        case .equal: return equal(a, b)
        case .notEqual: return !equal(a, b)
        case .less: return try less(a, b)
        case .lessEqual: return try less(a, b) || equal(a, b)
        case .greater: return try less(b, a)
        case .greaterEqual: return try less(b, a) || equal(a, b)
        case .in: return try contains(b, a)
        case .notIn: return try !contains(b, a)
        }
    }

    /// Python `item in container`.
    static func contains(_ container: Value, _ item: Value) throws -> Bool {
        switch container {
        case .string(let s):
            guard case .string(let needle) = item else {
                throw TemplateFailure("'in <string>' requires string as left operand, not \(item.typeName)")
            }
            return needle.isEmpty || s.unicodeScalars.firstRange(of: needle.unicodeScalars) != nil
        case .list(let items), .tuple(let items): return items.contains { equal($0, item) }
        case .dictionary(let d):
            guard case .string(let key) = item else { return false }
            return d[key] != nil
        case .namespace(let ns):
            guard case .string(let key) = item else { return false }
            return ns.attributes[key] != nil
        case .undefined: return false
        default:
            throw TemplateFailure("argument of type '\(container.typeName)' is not iterable")
        }
    }

    // MARK: - Iteration, indexing, slicing

    /// What `for x in value` visits: list items, dict keys, string characters (code points).
    static func iterate(_ value: Value) throws -> [Value] {
        switch value {
        case .list(let items), .tuple(let items): return items
        case .dictionary(let d): return d.keys.map { .string($0) }
        case .string(let s): return s.unicodeScalars.map { .string(String($0)) }
        case .undefined: return []
        default: throw TemplateFailure("'\(value.typeName)' object is not iterable")
        }
    }

    /// `len(value)`.
    static func length(_ value: Value) throws -> Int {
        switch value {
        case .string(let s): return s.unicodeScalars.count
        case .list(let items), .tuple(let items): return items.count
        case .dictionary(let d): return d.count
        case .undefined: return 0
        default: throw TemplateFailure("object of type '\(value.typeName)' has no len()")
        }
    }

    /// `value[index]` for sequences; out of range gives undefined (Jinja's `getitem` does).
    static func index(_ value: Value, _ index: Int) -> Value {
        switch value {
        case .list(let items), .tuple(let items):
            let i = index < 0 ? items.count + index : index
            return items.indices.contains(i) ? items[i] : .undefined("list index \(index) out of range")
        case .string(let s):
            let scalars = Array(s.unicodeScalars)
            let i = index < 0 ? scalars.count + index : index
            return scalars.indices.contains(i)
                ? .string(String(scalars[i])) : .undefined("string index \(index) out of range")
        default:
            return .undefined("'\(value.typeName)' object has no item \(index)")
        }
    }

    /// Python slice indices for a sequence of `count` items.
    static func sliceIndices(count: Int, start: Int?, stop: Int?, step: Int?) throws -> [Int] {
        let step = step ?? 1
        guard step != 0 else { throw TemplateFailure("slice step cannot be zero") }
        func clamp(_ value: Int?, _ defaultValue: Int, low: Int, high: Int) -> Int {
            guard var v = value else { return defaultValue }
            if v < 0 { v += count }
            return min(max(v, low), high)
        }
        if step > 0 {
            let lo = clamp(start, 0, low: 0, high: count)
            let hi = clamp(stop, count, low: 0, high: count)
            return lo < hi ? Array(stride(from: lo, to: hi, by: step)) : []
        }
        let hi = clamp(start, count - 1, low: -1, high: count - 1)
        let lo = clamp(stop, -1, low: -1, high: count - 1)
        return hi > lo ? Array(stride(from: hi, to: lo, by: step)) : []
    }

    static func slice(_ value: Value, start: Int?, stop: Int?, step: Int?) throws -> Value {
        switch value {
        case .list(let items):
            return .list(try sliceIndices(count: items.count, start: start, stop: stop, step: step).map { items[$0] })
        case .tuple(let items):
            return .tuple(try sliceIndices(count: items.count, start: start, stop: stop, step: step).map { items[$0] })
        case .string(let s):
            let scalars = Array(s.unicodeScalars)
            var out = String.UnicodeScalarView()
            for i in try sliceIndices(count: scalars.count, start: start, stop: stop, step: step) {
                out.append(scalars[i])
            }
            return .string(String(out))
        case .undefined: return value
        default: throw TemplateFailure("'\(value.typeName)' object is not subscriptable")
        }
    }
}

extension Value {
    var isInteger: Bool {
        switch self {
        case .int, .bool: true
        default: false
        }
    }
}
