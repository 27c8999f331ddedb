/// Walks a JSON Lines file: each non-blank line parsed as one JSON value, with its 1-based line
/// number (a leading UTF-8 byte-order mark and `\r\n` endings are accepted). A line that is not
/// JSON reaches `body` as a `DatasetError.malformedJSON` naming file, line and column, so a
/// loader that skips invalid records can skip it too.
enum JSONLines {
    static func forEach(_ bytes: [UInt8], file: String, _ body: (Result<JSONValue, DatasetError>, Int) throws -> Void) throws {
        var lineStart = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        var lineNumber = 0
        while lineStart < bytes.count {
            lineNumber += 1
            var lineEnd = bytes[lineStart...].firstIndex(of: UInt8(ascii: "\n")) ?? bytes.count
            let next = lineEnd + 1
            if lineEnd > lineStart, bytes[lineEnd - 1] == UInt8(ascii: "\r") { lineEnd -= 1 }
            defer { lineStart = next }
            if bytes[lineStart..<lineEnd].allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
            let value: Result<JSONValue, DatasetError>
            do {
                value = .success(try JSONParser.parse(bytes, range: lineStart..<lineEnd))
            } catch {
                value = .failure(DatasetError(
                    .malformedJSON, file: file, line: lineNumber,
                    "this line is not JSON: \(error.message) at column \(error.offset - lineStart + 1). "
                        + "Each line must hold one complete JSON object."
                ))
            }
            try body(value, lineNumber)
        }
    }
}
