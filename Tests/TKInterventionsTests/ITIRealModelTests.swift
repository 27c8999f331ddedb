import Foundation
import Testing
import TKBackends
import TKBenchmarks
import TKEngine
import TKEvalCore
import TKTesting
@testable import TKInterventions

/// ITI end to end on SmolLM2-135M and the first six TruthfulQA questions: fit two folds, apply
/// fold 0's fit to fold 0's held-out questions, and check the scores move and stay finite.
@Suite struct ITIRealModelTests {
    static var dataDirectory: URL { TestEnvironment.sharedDirectory.appendingPathComponent("data") }
    static var available: Bool {
        TestEnvironment.modelAvailable
            && FileManager.default.fileExists(atPath: dataDirectory.appendingPathComponent("truthfulqa/mc_en.jsonl").path)
    }

    @Test(.enabled(if: available, "needs SmolLM2-135M-Instruct and the shared TruthfulQA data"))
    func fitsAndAppliesITIOnHeldOutQuestions() async throws {
        let dataset = try TruthfulQADataset.load(language: "en", dataDirectory: Self.dataDirectory)
        let items = Array(dataset.items.prefix(6))
        let examples = items.flatMap { item in
            zip(item.mc2.choices, item.mc2.labels).map {
                ProbeExample(questionIndex: item.index, prompt: ProbeExample.prompt(question: item.question, answer: $0.0), isTrue: $0.1 == 1)
            }
        }
        let model = try TransformerModel(path: TestEnvironment.modelPath)
        let fit = try ITIFitter.fit(model: model, examples: examples, dataChecksum: dataset.checksum, folds: 2, seed: 0)
        try fit.validate()
        let c = model.config
        #expect(fit.folds.allSatisfy { $0.heads.count == c.layers * c.heads })
        try fit.checkData(checksum: dataset.checksum)

        let heldOut = Set(fit.heldOutQuestions(fold: 0))
        // One held-out question keeps the debug-build test short; the tiny-model tests cover the rest.
        let requests = items.filter { heldOut.contains($0.index) }.prefix(1).map {
            ScoringRequest(context: PromptPreset.null.context(question: $0.question), continuations: $0.mc2.choices.map { " " + $0 })
        }
        #expect(!requests.isEmpty)
        for item in items where heldOut.contains(item.index) { try fit.checkHeldOut(question: item.index, fold: 0) }
        func scores(_ intervention: (any Intervention)?) async throws -> [Double] {
            let native = try NativeModel(model: model, fingerprint: "test", intervention: intervention)
            return try await native.score(requests).flatMap { $0.map(\.logprob) }
        }
        let baseline = try await scores(nil)
        let shifted = try await scores(try ITIIntervention(fit: fit, fold: 0, alpha: 15, k: 16))
        #expect(shifted.allSatisfy { $0.isFinite })
        #expect(zip(baseline, shifted).map { abs($0 - $1) }.max()! > 1e-3, "ITI at α = 15 must move the scores")
        #expect(try await scores(try ITIIntervention(fit: fit, fold: 0, alpha: 0, k: 16)) == baseline)
    }
}
