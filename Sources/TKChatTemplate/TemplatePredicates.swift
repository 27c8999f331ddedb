/// Jinja's tests, used as `x is defined`, `x is not none`, `n is divisibleby 3`.
enum TemplatePredicates {
    static let names: Set<String> = [
        "defined", "undefined", "none", "boolean", "true", "false", "integer", "float", "number", "string",
        "mapping", "iterable", "sequence", "callable", "sameas", "escaped", "even", "odd", "divisibleby",
        "eq", "equalto", "==", "ne", "!=", "lt", "lessthan", "<", "le", "<=", "gt", "greaterthan", ">", "ge", ">=",
        "in", "lower", "upper", "filter", "test",
    ]

    static func test(_ name: String, _ value: Value, _ arguments: [Value], renderer: TemplateRenderer) throws -> Bool {
        func argument() throws -> Value {
            guard let first = arguments.first else { throw TemplateFailure("test '\(name)' needs an argument") }
            return first
        }
        func integer() throws -> Int {
            if case .undefined(let why) = value { throw TemplateFailure(why) }
            guard case .int(let i)? = value.numeric else {
                throw TemplateFailure("test '\(name)' needs an integer, got \(value.typeName)")
            }
            return i
        }
        switch name {
        case "defined": return !value.isUndefined
        case "undefined": return value.isUndefined
        case "none": if case .none = value { return true } else { return false }
        case "boolean": if case .bool = value { return true } else { return false }
        case "true": if case .bool(true) = value { return true } else { return false }
        case "false": if case .bool(false) = value { return true } else { return false }
        case "integer": if case .int = value { return true } else { return false }
        case "float": if case .double = value { return true } else { return false }
        case "number": return value.numeric != nil
        case "string": if case .string = value { return true } else { return false }
        case "mapping": if case .dictionary = value { return true } else { return false }
        case "iterable":
            switch value {
            case .list, .tuple, .dictionary, .string, .undefined: return true
            default: return false
            }
        case "sequence":
            switch value {
            case .list, .tuple, .dictionary, .string: return true
            default: return false
            }
        case "callable":
            switch value {
            case .macro, .method, .builtin: return true
            default: return false
            }
        case "sameas":
            let other = try argument()
            switch (value, other) {
            case (.namespace(let a), .namespace(let b)): return a === b
            case (.none, .none): return true
            case (.bool(let a), .bool(let b)): return a == b
            // Python interns short strings and small ints, so `is` holds for equal literals.
            case (.string(let a), .string(let b)): return a == b
            case (.int(let a), .int(let b)): return a == b && (-5...256).contains(a)
            default: return false
            }
        case "escaped": return false
        case "even": return try integer() % 2 == 0
        case "odd": return try integer() % 2 != 0
        case "divisibleby":
            guard case .int(let d)? = try argument().numeric, d != 0 else {
                throw TemplateFailure("divisibleby needs a non-zero integer")
            }
            return try integer() % d == 0
        case "eq", "equalto", "==": return Operators.equal(value, try argument())
        case "ne", "!=": return !Operators.equal(value, try argument())
        case "lt", "lessthan", "<": return try Operators.less(value, try argument())
        case "le", "<=": return try Operators.compare(.lessEqual, value, try argument())
        case "gt", "greaterthan", ">": return try Operators.less(try argument(), value)
        case "ge", ">=": return try Operators.compare(.greaterEqual, value, try argument())
        case "in": return try Operators.contains(try argument(), value)
        case "lower": if case .string(let s) = value { return s == s.lowercased() } else { return false }
        case "upper": if case .string(let s) = value { return s == s.uppercased() } else { return false }
        case "filter":
            guard case .string(let filter) = value else { return false }
            return TemplateFilters.names.contains(filter)
        case "test":
            guard case .string(let test) = value else { return false }
            return names.contains(test)
        default:
            throw TemplateFailure("no test named '\(name)'")
        }
    }
}
