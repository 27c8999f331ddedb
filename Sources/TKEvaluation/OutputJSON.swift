import Foundation

/// The one JSON convention of everything TruthKit writes for people and other tools — `--json`,
/// `results.json`, `comparison.json`, per-item `items.jsonl`: snake_case keys (as
/// lm-evaluation-harness's samples and the OpenAI API use), sorted, so equal results are equal
/// bytes. Dictionary keys (metric names, categories) are data and are written as they are.
///
/// The run store keeps its own payload format (what older runs were written in), so converting
/// here never makes a stored run unreadable.
public enum OutputJSON {
    public static func encoder(pretty: Bool = false) -> JSONEncoder {
        let e = JSONEncoder()
        e.keyEncodingStrategy = .convertToSnakeCase
        e.outputFormatting = pretty ? [.sortedKeys, .prettyPrinted] : [.sortedKeys]
        return e
    }

    /// `items.jsonl` (one line per result) and a pretty summary file in `directory`.
    public static func write<R: Encodable, S: Encodable>(results: [R], summary: S, summaryName: String, to directory: String) throws {
        let dir = URL(fileURLWithPath: directory)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let compact = encoder()
        var lines = Data()
        for r in results {
            lines.append(try compact.encode(r))
            lines.append(0x0A)
        }
        try lines.write(to: dir.appendingPathComponent("items.jsonl"), options: .atomic)
        try encoder(pretty: true).encode(summary).write(to: dir.appendingPathComponent(summaryName), options: .atomic)
    }
}
