import Foundation

/// Paraphrases supplied by the user: JSONL, one object per line,
/// `{"index": 12, "paraphrases": ["…", "…"]}` where `index` is the question's 0-based position in
/// the data file. Blank lines are skipped.
public enum ParaphraseFile {
    struct Record: Decodable {
        var index: Int
        var paraphrases: [String]
    }

    /// Question index → its paraphrases.
    ///
    /// - Throws: `AuditError` naming the file and line: `.missingResource` for an unreadable file,
    ///   `.invalidData` for a line that is not such an object or has no paraphrase.
    public static func load(path: String) throws -> [Int: [String]] {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw AuditError(.missingResource, "\(path): cannot read the paraphrase file; check the path (JSONL: {\"index\": N, \"paraphrases\": [\"…\"]} per line).")
        }
        var result: [Int: [String]] = [:]
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
        where !line.trimmingCharacters(in: .whitespaces).isEmpty {
            guard let record = try? JSONDecoder().decode(Record.self, from: Data(line.utf8)) else {
                throw AuditError(.invalidData, "\(path):\(number + 1): expected {\"index\": N, \"paraphrases\": [\"…\", …]}")
            }
            let kept = record.paraphrases.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
            guard !kept.isEmpty else { throw AuditError(.invalidData, "\(path):\(number + 1): no non-empty paraphrase for index \(record.index)") }
            result[record.index, default: []] += kept
        }
        return result
    }
}
