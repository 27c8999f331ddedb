import Foundation

/// A parsed JSON document, so request fields can be checked one by one with messages that name
/// the field and the type expected (a `Decodable` struct would only say "type mismatch").
enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// Parses `data`; a body that is not JSON is a 400 naming the problem.
    static func parse(_ data: Data) throws(APIError) -> JSONValue {
        do {
            return try JSONDecoder().decode(JSONValue.self, from: data)
        } catch {
            throw .invalid("The request body is not valid JSON (\(Self.describe(error))). Send a JSON object with Content-Type: application/json.",
                           code: "invalid_json")
        }
    }

    private static func describe(_ error: any Error) -> String {
        if case DecodingError.dataCorrupted(let context) = error {
            let underlying = (context.underlyingError as NSError?)?.userInfo[NSDebugDescriptionErrorKey] as? String
            return underlying ?? context.debugDescription
        }
        return "\(error)"
    }

    /// The JSON type's name, for error messages.
    var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .int, .double: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }
}

extension JSONValue: Decodable {
    init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let i = try? c.decode(Int64.self) { self = .int(i) }
        else if let d = try? c.decode(Double.self) { self = .double(d) }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else if let a = try? c.decode([JSONValue].self) { self = .array(a) }
        else { self = .object(try c.decode([String: JSONValue].self)) }
    }
}

/// Typed access to a JSON object's fields, throwing 400s that name the field.
struct JSONFields {
    let values: [String: JSONValue]

    init(_ value: JSONValue, what: String = "The request body") throws(APIError) {
        guard case .object(let o) = value else {
            throw .invalid("\(what) must be a JSON object, got \(value.typeName).")
        }
        values = o
    }

    /// The field, or nil when absent or null.
    subscript(_ key: String) -> JSONValue? {
        if let v = values[key], v != .null { return v }
        return nil
    }

    func wrongType(_ key: String, _ expected: String) -> APIError {
        .invalid("`\(key)` must be \(expected), got \(values[key]?.typeName ?? "nothing").", param: key, code: "invalid_type")
    }

    func string(_ key: String) throws(APIError) -> String? {
        guard let v = self[key] else { return nil }
        guard case .string(let s) = v else { throw wrongType(key, "a string") }
        return s
    }

    func bool(_ key: String) throws(APIError) -> Bool? {
        guard let v = self[key] else { return nil }
        guard case .bool(let b) = v else { throw wrongType(key, "a boolean") }
        return b
    }

    func int(_ key: String) throws(APIError) -> Int? {
        guard let v = self[key] else { return nil }
        switch v {
        case .int(let i): return Int(i)
        case .double(let d) where d == d.rounded() && abs(d) < 1e15: return Int(d)
        default: throw wrongType(key, "an integer")
        }
    }

    func double(_ key: String) throws(APIError) -> Double? {
        guard let v = self[key] else { return nil }
        switch v {
        case .int(let i): return Double(i)
        case .double(let d): return d
        default: throw wrongType(key, "a number")
        }
    }

    /// A string or a list of strings (`stop`).
    func strings(_ key: String) throws(APIError) -> [String]? {
        guard let v = self[key] else { return nil }
        switch v {
        case .string(let s): return [s]
        case .array(let items):
            var out: [String] = []
            for item in items {
                guard case .string(let s) = item else { throw wrongType(key, "a string or an array of strings") }
                out.append(s)
            }
            return out
        default: throw wrongType(key, "a string or an array of strings")
        }
    }
}
