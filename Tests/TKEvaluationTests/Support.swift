import Foundation
import TKBenchmarks
import TKEvalCore
import TKEvaluation
import TKStore

/// A fresh folder per test, removed when the test ends.
final class TemporaryFolder: @unchecked Sendable {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("tkeval-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    func store() throws -> ResultStore { try ResultStore(path: url.appendingPathComponent("runs.sqlite").path) }

    func file(_ name: String, _ text: String) throws -> String {
        let path = url.appendingPathComponent(name).path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }
}

/// Five TruthfulQA items: item i's MC1 is true option "T" vs false "F", in category A (even) or B (odd).
enum Fixture {
    static let items: [TruthfulQAItem] = (0..<5).map { i in
        TruthfulQAItem(index: i, question: "Q\(i)?", category: i % 2 == 0 ? "A" : "B", type: .adversarial,
                       mc1: ChoiceSet(choices: ["T", "F"], labels: [1, 0]), mc2: ChoiceSet(choices: ["T", "F"], labels: [1, 0]))
    }
    static let data = DatasetIdentity(checksum: "sha256:fixture", itemCount: 5, path: "/fixture.jsonl")
    static let task = TruthfulQAMultipleChoiceTask(format: PromptFormat(preset: .null))

    /// A scripted model where item i's true option has probability `pTrue(i)` (two options).
    static func model(name: String = "scripted", pTrue: (Int) -> Double) -> ScriptedModel {
        var scores: [String: [String: Double]] = [:]
        for item in items {
            let p = pTrue(item.index)
            scores[PromptPreset.null.context(question: item.question)] = [
                PromptPreset.null.continuation(choice: "T"): log(p), PromptPreset.null.continuation(choice: "F"): log(1 - p),
            ]
        }
        return ScriptedModel(name: name, scores: scores)
    }
}

/// Wraps a model and records what reached it; can hold the first `gate` requests until that many
/// are in flight at once (so a test proves concurrency without timing anything), and can fail on
/// chosen questions.
actor ProbeModel: LanguageModel {
    nonisolated let identity: ModelIdentity
    nonisolated let preferredConcurrency: Int
    let inner: ScriptedModel
    let failOn: Set<String>
    private var gate: Int
    private var waiting: [CheckedContinuation<Void, Never>] = []
    private(set) var inFlight = 0
    private(set) var maxInFlight = 0
    private(set) var requests = 0

    init(_ inner: ScriptedModel, gate: Int = 0, preferredConcurrency: Int = 1, failOn: Set<String> = []) {
        self.inner = inner
        identity = inner.identity
        self.gate = gate
        self.preferredConcurrency = preferredConcurrency
        self.failOn = failOn
    }

    struct Planned: Error {}

    func score(_ requests: [ScoringRequest]) async throws -> [[ContinuationScore]] {
        self.requests += 1
        inFlight += 1
        maxInFlight = max(maxInFlight, inFlight)
        defer { inFlight -= 1 }
        if gate > 0 {
            if inFlight >= gate {
                gate = 0
                for w in waiting { w.resume() }
                waiting = []
            } else {
                await withCheckedContinuation { waiting.append($0) }
            }
        }
        if failOn.contains(where: { q in requests.contains { $0.context.contains("Q: " + q + "\n") } }) { throw Planned() }
        return try await inner.score(requests)
    }

    func generate(_ request: TextGenerationRequest) async throws -> TextGeneration {
        try await inner.generate(request)
    }
}
