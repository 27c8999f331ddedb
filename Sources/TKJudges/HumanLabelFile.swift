import Foundation

/// Reads human labels from a CSV file: a header row naming at least `question`, `answer`,
/// `truthful` and `informative` (any order, any case; other columns such as `notes` are ignored),
/// then one row per answer. Labels are `yes`/`no`, `1`/`0` or `true`/`false` in any case.
///
/// Fields follow RFC 4180 (quotes around fields with commas, line breaks or quotes; `""` for a
/// quote). Lines starting with `#` before the header are comments, so a file can say how it was
/// made. Every error names the file, the line and, for a bad field, the column.
public enum HumanLabelFile {
    public static let requiredColumns = ["question", "answer", "truthful", "informative"]

    public static func load(path: String) throws -> [HumanLabel] {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw JudgeError(.invalidLabels, "\(path): cannot be read (\(error.localizedDescription)); check the path to the labels CSV.")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw JudgeError(.invalidLabels, "\(path): is not UTF-8 text; save the labels CSV as UTF-8.")
        }
        return try parse(text, file: path)
    }

    /// Parses labels from CSV text; `file` names it in messages.
    public static func parse(_ text: String, file: String = "labels.csv") throws -> [HumanLabel] {
        let records = try CSVRecords.parse(text, file: file)
        var index = 0
        while index < records.count, records[index].fields.first?.hasPrefix("#") == true || records[index].isBlank {
            index += 1
        }
        guard index < records.count else {
            throw JudgeError(.invalidLabels, "\(file): has no header row; the first line must name the columns \(requiredColumns.joined(separator: ", ")).")
        }
        let header = records[index]
        let names = header.fields.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        var position: [String: Int] = [:]
        for name in requiredColumns {
            guard let column = names.firstIndex(of: name) else {
                throw JudgeError(.invalidLabels, "\(file):\(header.line): the header has no '\(name)' column (it has: \(names.joined(separator: ", "))); the labels CSV needs \(requiredColumns.joined(separator: ", ")).")
            }
            position[name] = column
        }
        var labels: [HumanLabel] = []
        for record in records[(index + 1)...] where !record.isBlank {
            guard record.fields.count == names.count else {
                throw JudgeError(.invalidLabels, "\(file):\(record.line): has \(record.fields.count) fields but the header has \(names.count); quote fields that contain commas.")
            }
            func field(_ name: String) -> String { record.fields[position[name]!] }
            func label(_ name: String) throws -> Bool {
                let raw = field(name)
                switch raw.trimmingCharacters(in: .whitespaces).lowercased() {
                case "yes", "1", "true": return true
                case "no", "0", "false": return false
                default:
                    throw JudgeError(.invalidLabels, "\(file):\(record.line): column \(position[name]! + 1) ('\(name)') is \"\(raw)\"; write yes/no, 1/0 or true/false.")
                }
            }
            let question = field("question").trimmingCharacters(in: .whitespacesAndNewlines)
            guard !question.isEmpty else {
                throw JudgeError(.invalidLabels, "\(file):\(record.line): column \(position["question"]! + 1) ('question') is empty; every label needs its question.")
            }
            labels.append(HumanLabel(line: record.line, question: question,
                                     answer: field("answer").trimmingCharacters(in: .whitespacesAndNewlines),
                                     truthful: try label("truthful"), informative: try label("informative")))
        }
        guard !labels.isEmpty else {
            throw JudgeError(.invalidLabels, "\(file): has a header but no labelled answers.")
        }
        return labels
    }
}

/// RFC 4180 records with the line each starts on.
struct CSVRecords {
    struct Record {
        var line: Int
        var fields: [String]
        var isBlank: Bool { fields.count == 1 && fields[0].allSatisfy(\.isWhitespace) }
    }

    static func parse(_ text: String, file: String) throws -> [Record] {
        var records: [Record] = []
        var fields: [String] = []
        var field = ""
        var line = 1, recordLine = 1
        var inQuotes = false, quoteLine = 0
        var characters = text.hasPrefix("\u{FEFF}") ? Substring(text.dropFirst()) : Substring(text)
        // Treat "\r\n" as one Character (Swift already does), a lone "\r" as a line break too.
        while let c = characters.first {
            characters = characters.dropFirst()
            if inQuotes {
                if c == "\"" {
                    if characters.first == "\"" {
                        field.append("\"")
                        characters = characters.dropFirst()
                    } else {
                        inQuotes = false
                    }
                } else {
                    if c.isNewline { line += 1 }
                    field.append(c)
                }
                continue
            }
            switch c {
            case "\"" where field.isEmpty:
                inQuotes = true
                quoteLine = line
            case ",":
                fields.append(field)
                field = ""
            case _ where c.isNewline:
                fields.append(field)
                records.append(Record(line: recordLine, fields: fields))
                fields = []
                field = ""
                line += 1
                recordLine = line
            default:
                field.append(c)
            }
        }
        if inQuotes {
            throw JudgeError(.invalidLabels, "\(file):\(quoteLine): a quoted field is never closed; end it with a \" (write \"\" for a quote inside it).")
        }
        if !field.isEmpty || !fields.isEmpty {
            fields.append(field)
            records.append(Record(line: recordLine, fields: fields))
        }
        return records
    }
}
