/// An RFC 4180 CSV reader over UTF-8 bytes.
///
/// Handles everything the TruthfulQA files and spreadsheet exports use: quoted fields holding
/// commas, doubled quotes (`""` for `"`), line breaks inside quotes (kept as written), CRLF, LF or
/// lone CR between records, a leading UTF-8 byte-order mark, and a missing final newline. Empty
/// lines between records are skipped, as pandas does. A quote inside an unquoted field is taken
/// literally (as Python's `csv` module does), but text after a closing quote, or a quote that
/// never closes, is an error naming the line: both mean the field was quoted wrongly, and reading
/// on would silently shift every later column.
///
/// Written here rather than taken from SwiftCSV or CSV.swift: neither reports the line a bad
/// record starts on, which our errors must name, and the whole grammar is one small state machine.
public enum CSVParser {
    private static let quote = UInt8(ascii: "\"")
    private static let comma = UInt8(ascii: ",")
    private static let cr = UInt8(ascii: "\r")
    private static let lf = UInt8(ascii: "\n")

    /// Splits `bytes` into records.
    ///
    /// - Parameter file: The name used in errors.
    /// - Throws: `DatasetError` with code `malformedCSV` (unterminated quote, text after a
    ///   closing quote) or `unreadableFile` (a field that is not UTF-8), naming the line.
    public static func parse(_ bytes: [UInt8], file: String) throws -> [CSVRecord] {
        var records: [CSVRecord] = []
        var index = 0
        let end = bytes.count
        if end >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { index = 3 }
        var line = 1
        var field: [UInt8] = []

        while index < end {
            // Skip empty lines between records.
            if bytes[index] == lf || bytes[index] == cr {
                index = consumeLineBreak(bytes, at: index)
                line += 1
                continue
            }
            let recordLine = line
            var fields: [String] = []
            recordLoop: while true {
                field.removeAll(keepingCapacity: true)
                if index < end, bytes[index] == quote {
                    let openLine = line
                    index += 1
                    while true {
                        guard index < end else {
                            throw DatasetError(
                                .malformedCSV, file: file, line: openLine,
                                "field \(fields.count + 1) opens a quote that never closes. Inside a quoted field "
                                    + "write a quote as two quotes (\"\"); check the quoting on this line."
                            )
                        }
                        let byte = bytes[index]
                        if byte == quote {
                            if index + 1 < end, bytes[index + 1] == quote {
                                field.append(quote)
                                index += 2
                                continue
                            }
                            index += 1
                            break
                        }
                        if byte == lf || (byte == cr && !(index + 1 < end && bytes[index + 1] == lf)) {
                            line += 1
                        }
                        field.append(byte)
                        index += 1
                    }
                    if index < end, bytes[index] != comma, bytes[index] != lf, bytes[index] != cr {
                        throw DatasetError(
                            .malformedCSV, file: file, line: line,
                            "field \(fields.count + 1) has text after its closing quote. Quote the whole field "
                                + "and write each quote inside it as two quotes (\"\")."
                        )
                    }
                } else {
                    while index < end, bytes[index] != comma, bytes[index] != lf, bytes[index] != cr {
                        field.append(bytes[index])
                        index += 1
                    }
                }
                guard let text = String(validating: field, as: UTF8.self) else {
                    throw DatasetError(
                        .unreadableFile, file: file, line: recordLine,
                        "field \(fields.count + 1) is not valid UTF-8. Save the file as UTF-8."
                    )
                }
                fields.append(text)
                if index < end, bytes[index] == comma {
                    index += 1
                    continue recordLoop
                }
                break recordLoop
            }
            if index < end {
                index = consumeLineBreak(bytes, at: index)
                line += 1
            }
            records.append(CSVRecord(fields: fields, line: recordLine))
        }
        return records
    }

    /// The index after the line break at `index` (CRLF, LF or a lone CR).
    private static func consumeLineBreak(_ bytes: [UInt8], at index: Int) -> Int {
        if bytes[index] == cr, index + 1 < bytes.count, bytes[index + 1] == lf { return index + 2 }
        return index + 1
    }
}
