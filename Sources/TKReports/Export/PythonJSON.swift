import Crypto
import Foundation

/// A JSON value whose objects keep their key order, written byte for byte as Python's `json.dumps`
/// writes it (`ensure_ascii=False`; default separators, or `indent=2`).
///
/// lm-evaluation-harness hashes each document as `sha256(json.dumps(doc, indent=2,
/// ensure_ascii=False))` and writes its files with `json.dumps`; producing the same bytes is what
/// makes an exported `doc_hash` equal the one lm-eval would compute for the same document.
indirect enum PythonJSON: Equatable {
    case string(String)
    case int(Int)
    case double(Double)
    case bool(Bool)
    case null
    case array([PythonJSON])
    case object([(String, PythonJSON)])

    static func == (a: PythonJSON, b: PythonJSON) -> Bool { a.dumps() == b.dumps() }

    /// `json.dumps(value, ensure_ascii=False)`, or with `indent=` when `indent` is given.
    func dumps(indent: Int? = nil) -> String {
        var out = ""
        write(into: &out, indent: indent, level: 0)
        return out
    }

    private func write(into out: inout String, indent: Int?, level: Int) {
        switch self {
        case .string(let s): Self.quote(s, into: &out)
        case .int(let i): out += String(i)
        case .double(let d): out += Self.pythonRepr(d)
        case .bool(let b): out += b ? "true" : "false"
        case .null: out += "null"
        case .array(let values):
            guard !values.isEmpty else { out += "[]"; return }
            out += "["
            for (i, value) in values.enumerated() {
                if i > 0 { out += indent == nil ? ", " : "," }
                if let indent { out += "\n" + String(repeating: " ", count: indent * (level + 1)) }
                value.write(into: &out, indent: indent, level: level + 1)
            }
            if let indent { out += "\n" + String(repeating: " ", count: indent * level) }
            out += "]"
        case .object(let fields):
            guard !fields.isEmpty else { out += "{}"; return }
            out += "{"
            for (i, (key, value)) in fields.enumerated() {
                if i > 0 { out += indent == nil ? ", " : "," }
                if let indent { out += "\n" + String(repeating: " ", count: indent * (level + 1)) }
                Self.quote(key, into: &out)
                out += ": "
                value.write(into: &out, indent: indent, level: level + 1)
            }
            if let indent { out += "\n" + String(repeating: " ", count: indent * level) }
            out += "}"
        }
    }

    /// Python's float repr: shortest round-trip digits, `1.0` for whole numbers, `NaN`/`Infinity`
    /// as Python writes them (not valid JSON, but what lm-eval's files contain for such values).
    static func pythonRepr(_ d: Double) -> String {
        if d.isNaN { return "NaN" }
        if d.isInfinite { return d > 0 ? "Infinity" : "-Infinity" }
        return d.description  // Swift's description is also the shortest round-trip form: 0.1, 1.0, 1e-05, 1e+16
    }

    /// JSON string escaping as Python does it with `ensure_ascii=False`: `"`, `\`, and control
    /// characters (`\n`, `\r`, `\t`, `\b`, `\f`, else `\u00XX`); everything else raw.
    static func quote(_ s: String, into out: inout String) {
        out += "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            default:
                if scalar.value < 0x20 { out += String(format: "\\u%04x", scalar.value) } else { out.unicodeScalars.append(scalar) }
            }
        }
        out += "\""
    }

    /// lm-eval's `hash_string`: lowercase hex SHA-256 of the UTF-8 bytes.
    static func sha256(_ s: String) -> String {
        SHA256.hash(data: Data(s.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}
