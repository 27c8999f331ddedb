/// The few Python `str` operations that sacreBLEU, rouge-score and lm-evaluation-harness apply to
/// text, done on Unicode scalars the way Python does them.
///
/// Python strings are sequences of code points, and `str.split()`, `str.strip()` and
/// `str.replace()` work on code points. Swift's `String` works on grapheme clusters and compares
/// by canonical equivalence, so `"é" == "e\u{301}"` in Swift but not in Python. Matching the
/// reference implementations to the last digit needs the Python behaviour, so everything in
/// TextSimilarity tokenises `[Unicode.Scalar]` arrays and compares tokens scalar by scalar.
enum PythonText {
    /// Python's `str.isspace()` for one code point (`Py_UNICODE_ISSPACE`): the characters with
    /// bidirectional type WS, B or S, or general category Zs. This is what `str.split()` with no
    /// argument and `str.rstrip()` remove. It includes the file/group/record/unit separators
    /// U+001C–U+001F and U+0085, which Swift's `Character.isWhitespace` treats differently, so the
    /// set is written out (it is the same in every Python 3 release).
    static func isSpace(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09...0x0D, 0x1C...0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000:
            true
        default:
            false
        }
    }

    /// `text.split()`: runs of non-whitespace code points.
    static func split(_ scalars: [Unicode.Scalar]) -> [[Unicode.Scalar]] {
        var tokens: [[Unicode.Scalar]] = []
        var current: [Unicode.Scalar] = []
        for scalar in scalars {
            if isSpace(scalar) {
                if !current.isEmpty {
                    tokens.append(current)
                    current.removeAll(keepingCapacity: true)
                }
            } else {
                current.append(scalar)
            }
        }
        if !current.isEmpty { tokens.append(current) }
        return tokens
    }

    /// `text.rstrip()`: the code points without trailing whitespace.
    static func rstrip(_ scalars: [Unicode.Scalar]) -> ArraySlice<Unicode.Scalar> {
        var end = scalars.endIndex
        while end > scalars.startIndex, isSpace(scalars[end - 1]) { end -= 1 }
        return scalars[scalars.startIndex..<end]
    }

    /// `text.strip()` on a `String`, by code point.
    static func strip(_ text: String) -> String {
        let scalars = Array(text.unicodeScalars)
        var start = 0
        var end = scalars.count
        while start < end, isSpace(scalars[start]) { start += 1 }
        while end > start, isSpace(scalars[end - 1]) { end -= 1 }
        var result = String.UnicodeScalarView()
        result.append(contentsOf: scalars[start..<end])
        return String(result)
    }

    /// `text.replace(target, replacement)`: every non-overlapping occurrence, scanning left to
    /// right, matched by code point (Swift's `replacing(_:with:)` would match whole grapheme
    /// clusters and miss `" . "` when a combining mark follows the last space).
    static func replace(_ scalars: [Unicode.Scalar], _ target: [Unicode.Scalar], with replacement: [Unicode.Scalar]) -> [Unicode.Scalar] {
        guard !target.isEmpty, scalars.count >= target.count else { return scalars }
        var result: [Unicode.Scalar] = []
        result.reserveCapacity(scalars.count)
        var index = 0
        while index < scalars.count {
            if index + target.count <= scalars.count, scalars[index..<(index + target.count)].elementsEqual(target) {
                result.append(contentsOf: replacement)
                index += target.count
            } else {
                result.append(scalars[index])
                index += 1
            }
        }
        return result
    }
}
