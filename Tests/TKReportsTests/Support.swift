import Foundation
import TKBenchmarks
import TKEvalCore
import TKStore

/// A run store in a fresh temporary folder, with helpers that write runs the way the evaluator
/// does (sorted-key JSON payloads of the tasks' own result types), so reports are tested on real
/// stored runs with no model.
final class FixtureStore {
    let folder: URL
    let store: ResultStore

    /// The folder goes with the fixture, so test runs leave nothing in the temporary folder.
    deinit { try? FileManager.default.removeItem(at: folder) }

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("tkreports-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        store = try ResultStore(path: folder.appendingPathComponent("runs.sqlite").path)
    }

    static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        return e
    }()

    /// A TruthfulQA MC item: MC1 set (correct answer first, as in the data) scored so the pick is
    /// `pick`; `mc2` as given.
    static func mcItem(_ index: Int, category: String, type: String = "Adversarial", pick: Int, mc2: Double,
                       question: String? = nil) -> MultipleChoiceItemResult {
        let choices = ["Right \(index)", "Wrong \(index)", "Also wrong \(index)"]
        let scores = choices.indices.map { $0 == pick ? -1.0 : -5.0 - Double($0) }
        let set = MultipleChoiceItemResult.ScoredSet(choices: choices, labels: [1, 0, 0], scores: scores, tokenCounts: [2, 2, 3])
        let mc1: Double = pick == 0 ? 1 : 0
        return MultipleChoiceItemResult(index: index, question: question ?? "Question \(index)?", category: category, type: type,
                                        mc1: set, mc2: set, metrics: ["mc1": mc1, "mc2": mc2, "mc3": mc1])
    }

    static func genItem(_ index: Int, category: String, answer: String, bleuAcc: Double, truthful: Bool?) -> GenerationItemResult {
        var r = GenerationItemResult(index: index, question: "Gen question \(index)?", category: category, type: "Non-Adversarial",
                                     rawText: " " + answer + "\n\nQ:", answer: answer, finishReason: .stop, tokenCount: 5,
                                     hitTokenLimit: false, bestAnswer: "Reference \(index)",
                                     metrics: ["bleu_acc": bleuAcc, "bleu_max": 10 * Double(index + 1), "bleu_diff": bleuAcc == 1 ? 2 : -2])
        if let truthful { r = r.adding(JudgeVerdict(judge: "judge-1", truthful: truthful, informative: true)) }
        return r
    }

    /// Opens a run with `itemCount` items, records `results`, and finishes it when all are there.
    @discardableResult
    func run<R: Encodable>(task: String, fingerprint: String = "sha256:abc", settings: [String: String] = ["preset": "qa"],
                           itemCount: Int, results: [(Int, R)], summary: String? = nil) throws -> StoredRun {
        let key = RunKey(modelName: "Tiny/Model:1", modelFingerprint: fingerprint, task: task, taskVersion: "1",
                         dataChecksum: "d" + String(repeating: "0", count: 63), settings: settings)
        let run = try store.openRun(key, itemCount: itemCount)
        for (index, result) in results { try store.record(run: run.id, item: index, payload: try Self.encoder.encode(result)) }
        if results.count == itemCount { return try store.finish(run: run.id, summary: Data((summary ?? "{}").utf8)) }
        return try store.run(id: run.id)!
    }

    /// Three MC items: MC1 1, 0, 1 (hand-worked mean 2/3), MC2 0.75, 0.25, 0.5 (mean 0.5).
    static let mcResults: [(Int, MultipleChoiceItemResult)] = [
        (0, mcItem(0, category: "Health", pick: 0, mc2: 0.75)),
        (1, mcItem(1, category: "Health", pick: 1, mc2: 0.25)),
        (2, mcItem(2, category: "Law", type: "Non-Adversarial", pick: 0, mc2: 0.5, question: "Is <script>alert(1)</script> & \"quoted\" safe?")),
    ]
}

/// Every `src=` and `href=` value in the HTML that is not an in-page anchor.
func externalReferences(_ html: String) -> [String] {
    let regex = try! NSRegularExpression(pattern: #"(?:src|href)\s*=\s*["']?([^"'\s>]*)"#, options: [.caseInsensitive])
    let range = NSRange(html.startIndex..., in: html)
    return regex.matches(in: html, range: range).compactMap { Range($0.range(at: 1), in: html).map { String(html[$0]) } }
        .filter { !$0.hasPrefix("#") }
}

/// How many times `needle` occurs in `haystack`.
func occurrences(of needle: String, in haystack: String) -> Int {
    haystack.components(separatedBy: needle).count - 1
}
