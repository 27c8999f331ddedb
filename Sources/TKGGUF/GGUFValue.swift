import Foundation

/// The on-disk type tag of a metadata value.
public enum GGUFValueType: UInt32, Sendable, CaseIterable {
    case uint8 = 0, int8 = 1, uint16 = 2, int16 = 3, uint32 = 4, int32 = 5, float32 = 6, bool = 7
    case string = 8, array = 9, uint64 = 10, int64 = 11, float64 = 12
}

/// One metadata value. Arrays may nest (an array of arrays of strings is legal GGUF).
public enum GGUFValue: Sendable, Equatable {
    case uint8(UInt8), int8(Int8), uint16(UInt16), int16(Int16), uint32(UInt32), int32(Int32)
    case float32(Float), bool(Bool), string(String), uint64(UInt64), int64(Int64), float64(Double)
    /// Element type plus elements (kept so an empty array still knows its type when written back).
    case array(GGUFValueType, [GGUFValue])

    /// The on-disk type tag of this value.
    public var type: GGUFValueType {
        switch self {
        case .uint8: .uint8
        case .int8: .int8
        case .uint16: .uint16
        case .int16: .int16
        case .uint32: .uint32
        case .int32: .int32
        case .float32: .float32
        case .bool: .bool
        case .string: .string
        case .uint64: .uint64
        case .int64: .int64
        case .float64: .float64
        case .array: .array
        }
    }

    /// Any integer value widened to `Int`, or nil (also nil for a `UInt64` that does not fit).
    public var intValue: Int? {
        switch self {
        case .uint8(let v): Int(v)
        case .int8(let v): Int(v)
        case .uint16(let v): Int(v)
        case .int16(let v): Int(v)
        case .uint32(let v): Int(v)
        case .int32(let v): Int(v)
        case .uint64(let v): Int(exactly: v)
        case .int64(let v): Int(v)
        case .bool(let v): v ? 1 : 0
        default: nil
        }
    }

    /// Any numeric value as `Double`.
    public var doubleValue: Double? {
        switch self {
        case .float32(let v): Double(v)
        case .float64(let v): v
        default: intValue.map(Double.init)
        }
    }

    /// The string, if this is a string value.
    public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    /// The bool, if this is a bool value.
    public var boolValue: Bool? {
        if case .bool(let b) = self { return b }
        return nil
    }

    /// The elements, if this is an array.
    public var arrayValue: [GGUFValue]? {
        if case .array(_, let items) = self { return items }
        return nil
    }

    /// A one-line human rendering; newlines, tabs, quotes and other control characters in strings
    /// are shown escaped (see `GGUFText`).
    ///
    /// Arrays longer than `maxItems` show their first `maxItems` elements and a count; strings
    /// longer than `maxStringLength` characters are cut with "...". Pass `.max` for both to
    /// render the value in full.
    public func rendered(maxItems: Int = 8, maxStringLength: Int = 120) -> String {
        switch self {
        case .string(let s):
            let limit = max(maxStringLength, 4)
            let short = s.count > limit ? String(s.prefix(limit - 3)) + "..." : s
            // Control characters (terminal escape sequences included) are written as `\u{1B}`.
            let escaped = GGUFText.escaped(short).replacingOccurrences(of: "\"", with: "\\\"")
            return "\"" + escaped + "\""
        case .array(let t, let items):
            let shown = items.prefix(maxItems).map { $0.rendered(maxItems: maxItems, maxStringLength: maxStringLength) }.joined(separator: ", ")
            let more = items.count > maxItems ? ", … (\(items.count) \(t) items)" : ""
            return "[" + shown + more + "]"
        case .float32(let v): return "\(v)"
        case .float64(let v): return "\(v)"
        case .bool(let v): return "\(v)"
        case .uint64(let v): return "\(v)"
        case .int64(let v): return "\(v)"
        case .uint8, .int8, .uint16, .int16, .uint32, .int32: return intValue.map { "\($0)" } ?? ""
        }
    }
}
