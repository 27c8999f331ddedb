/// The one serialisation of a string-valued JSON object that run keys are hashed over.
///
/// `JSONEncoder` output is not a contract: its key order and escaping may differ between
/// platforms and Foundation versions, and a changed byte would orphan every stored run. So the
/// form is written out here:
/// - an object with no whitespace, keys in ascending order of their UTF-8 bytes;
/// - values are strings or nested objects of the same form;
/// - strings escape only `"` → `\"`, `\` → `\\`, `\b \f \n \r \t`, and other code points below
///   U+0020 as `\u00xx` (lowercase hex); everything else, `/` and non-ASCII included, is written
///   as its UTF-8 bytes; no Unicode normalisation is applied.
enum CanonicalJSON {
    indirect enum Value {
        case string(String)
        case object([String: Value])
    }

    static func encode(_ value: Value) -> [UInt8] {
        var out: [UInt8] = []
        write(value, to: &out)
        return out
    }

    static func encode(_ object: [String: String]) -> [UInt8] {
        encode(.object(object.mapValues { .string($0) }))
    }

    private static func write(_ value: Value, to out: inout [UInt8]) {
        switch value {
        case .string(let string):
            writeString(string, to: &out)
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            let keys = members.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            for (position, key) in keys.enumerated() {
                if position > 0 { out.append(UInt8(ascii: ",")) }
                writeString(key, to: &out)
                out.append(UInt8(ascii: ":"))
                write(members[key]!, to: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    private static func writeString(_ string: String, to out: inout [UInt8]) {
        let hex = Array("0123456789abcdef".utf8)
        out.append(UInt8(ascii: "\""))
        for byte in string.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out += [UInt8(ascii: "\\"), UInt8(ascii: "\"")]
            case UInt8(ascii: "\\"): out += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
            case 0x08: out += [UInt8(ascii: "\\"), UInt8(ascii: "b")]
            case 0x0C: out += [UInt8(ascii: "\\"), UInt8(ascii: "f")]
            case 0x0A: out += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
            case 0x0D: out += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
            case 0x09: out += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
            case 0..<0x20:
                out += Array("\\u00".utf8)
                out += [hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
            default:
                // Multi-byte UTF-8 sequences never contain bytes below 0x80, so copying bytes
                // one at a time keeps them intact.
                out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
