/// The per-item table of a generation run: question, answer, best answer, the token-limit flag,
/// every similarity metric, and each judge's verdicts and probabilities — as rows of strings for
/// `--out DIR` CSV files and terminal tables.
public struct GenerationReport: Sendable, Equatable {
    /// A judge's column block: `label` names its columns (`truthful`, `truthful_p` for a label of
    /// `""`; `truthful[gpt]`, `truthful_p[gpt]` for `gpt`), `id` is its fingerprint.
    public struct JudgeColumn: Sendable, Equatable {
        public var id: String
        public var label: String

        public init(id: String, label: String = "") {
            self.id = id
            self.label = label
        }
    }

    public var columns: [String]
    public var rows: [[String]]

    /// - Parameters:
    ///   - judges: The judges whose verdicts get columns, in order. Verdicts are `yes`/`no`,
    ///     `unparsed` when the judge's output could not be read, empty when not judged;
    ///     probabilities are empty for judges that read text.
    public init(results: [GenerationItemResult], judges: [JudgeColumn] = []) {
        var columns = ["index", "question", "answer", "best_answer", "hit_token_limit"] + GenerationMetricName.similarity
        for judge in judges {
            let suffix = judge.label.isEmpty ? "" : "[\(judge.label)]"
            columns += ["truthful", "truthful_p", "informative", "informative_p", "judge_rule"].map { $0 + suffix }
        }
        self.columns = columns
        rows = results.map { result in
            var row = [String(result.index), result.question, result.answer, result.bestAnswer ?? "", result.hitTokenLimit ? "yes" : "no"]
            row += GenerationMetricName.similarity.map { name in result.metrics[name].map(Self.format) ?? "" }
            for judge in judges {
                guard let verdict = result.judgements[judge.id] else {
                    row += ["", "", "", "", ""]
                    continue
                }
                row += [Self.word(verdict.truthful), verdict.truthfulProbability.map(Self.format) ?? "",
                        Self.word(verdict.informative), verdict.informativeProbability.map(Self.format) ?? "",
                        verdict.rule ?? ""]
            }
            return row
        }
    }

    /// RFC 4180 CSV (fields with commas, quotes or line breaks quoted), header first, `\n` line ends.
    public var csv: String {
        ([columns] + rows).map { $0.map(Self.quoted).joined(separator: ",") }.joined(separator: "\n") + "\n"
    }

    static func word(_ value: Bool?) -> String {
        value.map { $0 ? "yes" : "no" } ?? "unparsed"
    }

    /// Shortest round-tripping decimal; integers without ".0".
    static func format(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }

    static func quoted(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0.isNewline }) else { return field }
        return "\"" + field.replacing("\"", with: "\"\"") + "\""
    }
}
