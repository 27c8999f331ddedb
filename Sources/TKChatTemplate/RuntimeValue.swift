/// A value while a template renders: ``TemplateValue`` plus what only exists inside Jinja —
/// undefined, tuples, `namespace()` objects (shared by reference), macros, bound methods,
/// the `loop` variable and the global functions.
indirect enum Value {
    /// Jinja's default `Undefined`: prints as empty, is falsy, iterates as empty. The string
    /// says what was missing, for the error when it is used in arithmetic or called.
    case undefined(String)
    case none
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case list([Value])
    case tuple([Value])
    case dictionary(Dictionary)
    case namespace(Namespace)
    case loop(LoopState)
    case macro(Macro, scopeDepth: Int)
    case method(Value, String)
    case builtin(String)

    /// An insertion-ordered `dict` with string keys (the only keys chat templates use).
    struct Dictionary {
        private(set) var keys: [String] = []
        private var storage: [String: Value] = [:]

        subscript(key: String) -> Value? {
            get { storage[key] }
            set {
                guard let newValue else { return }
                if storage.updateValue(newValue, forKey: key) == nil { keys.append(key) }
            }
        }
        var count: Int { keys.count }
        var pairs: [(String, Value)] { keys.map { ($0, storage[$0] ?? .none) } }
    }

    /// `namespace(...)`: the one mutable object templates can assign attributes on, across loop scopes.
    final class Namespace {
        var attributes = Dictionary()
        init(_ attributes: Dictionary) { self.attributes = attributes }
    }

    /// The `loop` variable inside a for loop.
    struct LoopState {
        var index0: Int
        var length: Int
        var previous: Value?
        var nextItem: Value?
    }

    init(_ value: TemplateValue) {
        switch value {
        case .none: self = .none
        case .bool(let b): self = .bool(b)
        case .int(let i): self = .int(i)
        case .double(let d): self = .double(d)
        case .string(let s): self = .string(s)
        case .array(let items): self = .list(items.map(Value.init))
        case .dictionary(let dictionary):
            var result = Dictionary()
            for (key, item) in dictionary { result[key] = Value(item) }
            self = .dictionary(result)
        }
    }

    var isUndefined: Bool {
        if case .undefined = self { return true }
        return false
    }

    /// Python truthiness (`bool(x)`).
    var isTruthy: Bool {
        switch self {
        case .undefined, .none: false
        case .bool(let b): b
        case .int(let i): i != 0
        case .double(let d): d != 0
        case .string(let s): !s.isEmpty
        case .list(let items), .tuple(let items): !items.isEmpty
        case .dictionary(let d): d.count > 0
        case .namespace, .loop, .macro, .method, .builtin: true
        }
    }

    /// The Python type name, for error messages that match what Jinja users know.
    var typeName: String {
        switch self {
        case .undefined: "undefined"
        case .none: "NoneType"
        case .bool: "bool"
        case .int: "int"
        case .double: "float"
        case .string: "str"
        case .list: "list"
        case .tuple: "tuple"
        case .dictionary: "dict"
        case .namespace: "Namespace"
        case .loop: "LoopContext"
        case .macro: "Macro"
        case .method, .builtin: "function"
        }
    }

    /// Numbers as Python sees them: bool is an int, and int and float mix.
    var numeric: Numeric? {
        switch self {
        case .bool(let b): .int(b ? 1 : 0)
        case .int(let i): .int(i)
        case .double(let d): .double(d)
        default: nil
        }
    }

    enum Numeric {
        case int(Int)
        case double(Double)
        var asDouble: Double {
            switch self {
            case .int(let i): Double(i)
            case .double(let d): d
            }
        }
    }

    /// The value handed back to callers (`TemplateValue`), where one exists.
    var templateValue: TemplateValue? {
        switch self {
        case .none: return TemplateValue.none
        case .bool(let b): return .bool(b)
        case .int(let i): return .int(i)
        case .double(let d): return .double(d)
        case .string(let s): return .string(s)
        case .list(let items), .tuple(let items):
            var out: [TemplateValue] = []
            for item in items {
                guard let converted = item.templateValue else { return nil }
                out.append(converted)
            }
            return .array(out)
        case .dictionary(let d):
            var out = TemplateDictionary()
            for (key, item) in d.pairs {
                guard let converted = item.templateValue else { return nil }
                out[key] = converted
            }
            return .dictionary(out)
        case .undefined, .namespace, .loop, .macro, .method, .builtin:
            return nil
        }
    }
}
