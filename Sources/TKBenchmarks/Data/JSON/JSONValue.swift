/// A parsed JSON value that keeps what Foundation's parser loses: object keys in file order,
/// duplicate keys, and numbers exactly as written.
///
/// The Hugging Face conversion of `mc_task.json` takes each MC choice list from the *order of an
/// object's keys*, and the pinned SHA-256 of the converted file depends on numbers and key order
/// coming out as they went in, so neither `JSONSerialization` nor `JSONDecoder` will do.
enum JSONValue: Sendable, Equatable {
    /// One `"key": value` pair of an object, in file order.
    struct Member: Sendable, Equatable {
        var key: String
        var value: JSONValue
    }

    case object([Member])
    case array([JSONValue])
    case string(String)
    /// The number's text as written (`1`, `-0.5e3`).
    case number(String)
    case bool(Bool)
    case null

    /// The value of the *last* member named `key`, as Python's `json.load` keeps it; nil when
    /// this is not an object or has no such member.
    subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members.last { $0.key == key }?.value
    }

    /// A short name for the kind of value, for error messages ("a string", "an array").
    var kindDescription: String {
        switch self {
        case .object: return "an object"
        case .array: return "an array"
        case .string: return "a string"
        case .number(let text): return "the number \(text)"
        case .bool(let value): return "\(value)"
        case .null: return "null"
        }
    }
}
