import Foundation

/// A run's items as CSV, one row per item: index, category, type, question, the model's pick or
/// answer, the correct or reference answer, whether the item counts as wrong, judge verdicts, and
/// one column per metric the run has (sorted by name). RFC 4180 quoting: a field with a comma,
/// quote or line break is quoted, quotes doubled; numbers are written with full precision.
public enum ItemCSV {
    public static func render(_ snapshot: RunSnapshot) -> String {
        let metricNames = Set(snapshot.items.flatMap(\.metrics.keys)).sorted()
        let header = ["index", "category", "type", "question", "model_answer", "correct_answer", "wrong", "truthful", "informative"] + metricNames
        var lines = [header.map(field).joined(separator: ",")]
        for item in snapshot.items {
            let picked = item.choices.first(where: \.isPick)?.text ?? item.answer ?? ""
            let correct = item.choices.isEmpty ? (item.reference ?? "") : item.choices.filter(\.isCorrect).map(\.text).joined(separator: " | ")
            let verdict = item.verdicts.first
            var row = [String(item.index), item.category ?? "", item.type ?? "", item.question, picked, correct,
                       item.isWrong ? "1" : "0", flag(verdict?.truthful), flag(verdict?.informative)]
            row += metricNames.map { item.metrics[$0].map { String($0) } ?? "" }
            lines.append(row.map(field).joined(separator: ","))
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    /// Writes `items_run<ID>.csv` into `directory` and returns its path.
    public static func write(_ snapshot: RunSnapshot, to directory: String) throws -> String {
        let folder = URL(fileURLWithPath: directory)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let url = folder.appendingPathComponent("items_run\(snapshot.run.id).csv")
        try Data(render(snapshot).utf8).write(to: url, options: .atomic)
        return url.path
    }

    private static func flag(_ value: Bool?) -> String { value.map { $0 ? "1" : "0" } ?? "" }

    static func field(_ s: String) -> String {
        guard s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return s }
        return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
