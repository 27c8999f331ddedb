import Foundation
import Testing
import TKBackends
import TKBenchmarks
import TKCalibration
import TKEvalCore
import TKEvaluation
import TKMetrics
import TKServer
import TKStore
import TKTesting

/// Every self-evaluation and detection scorer through TruthKit's OpenAI client against `truthkit
/// serve` over real HTTP on 127.0.0.1 (the default model; short `null`-preset answers keep a debug
/// build fast): answers generated, P(True) zero-shot and with brainstormed samples scored from
/// echoed logprobs, the samples stored once and reused by semantic entropy and SelfCheck, and
/// verbalized confidence by generation alone.
@Suite("Self-evaluation over the OpenAI API (default model)", .enabled(if: TestEnvironment.modelAvailable, Comment(rawValue: TestEnvironment.missingModelMessage)))
struct SelfEvaluationOverOpenAITests {
    @Test func everyScorerRunsThroughTheServedModel() async throws {
        let dataset = try TruthfulQADataset.loadCSV(path: TestEnvironment.sharedDirectory.appendingPathComponent("data/truthfulqa/TruthfulQA.csv").path)
        let items = Array(dataset.items.prefix(2))
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tk-selfeval-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try ResultStore(path: folder.appendingPathComponent("runs.sqlite").path)
        try await ServerHarness.with(modelPath: TestEnvironment.modelPath, configuration: ServerConfiguration(modelID: "smollm2")) { h in
            let client = try await OpenAIModel.connect(OpenAIConfiguration(endpoints: [h.baseURL.appendingPathComponent("v1")], model: "smollm2", concurrency: 2))
            do {
                let evaluator = Evaluator(store: store)
                let answers = try await evaluator.run(try TruthfulQAGenerationTask(preset: .null, generation: GenerationSettings(maxTokens: 12)), items: items, model: client,
                                                      data: DatasetIdentity(checksum: dataset.checksum, itemCount: dataset.items.count, path: dataset.fileURL.path))
                let pass = SelfEvaluationPass(evaluator: evaluator)
                let source = CorrectnessSource.similarity(metric: "bleu_acc")
                let binning = Binning(scheme: .equalMass, count: 2)
                let sampling = SamplingChoice(count: 2)
                let zero = try await pass.pTrue(answersRunID: answers.runID, source: source, model: client, limit: nil, binning: binning)
                #expect(zero.report.summary.n == 2)
                #expect(zero.results.allSatisfy { $0.pTrue > 0 && $0.pTrue < 1 && $0.logprobA < 0 })
                let brainstorm = try await pass.pTrue(answersRunID: answers.runID, source: source, model: client, limit: nil, binning: binning,
                                                      prompting: .brainstorm(ideas: 2), sampling: sampling)
                #expect(brainstorm.report.runId != zero.report.runId && brainstorm.report.summary.n == 2)
                let entropy = try await pass.detect(.semanticEntropy, answersRunID: answers.runID, source: source, sampler: client, judge: client,
                                                    limit: nil, sampling: sampling, bootstrap: Bootstrap(resamples: 20))
                // The samples drawn for P(True) are read back, not drawn again.
                let samplesRun = try #require(try store.run(id: entropy.samplesRunId))
                #expect(samplesRun.key.task == "sampled-answers" && samplesRun.completedCount == 2)
                #expect(Set(entropy.scores.map(\.score)) == Set(SemanticEntropyTask.scoreNames))
                let stored = try store.items(run: entropy.runId)
                #expect(stored.count == 2)
                let selfCheck = try await pass.detect(.selfCheck, answersRunID: answers.runID, source: source, sampler: client, judge: client,
                                                      limit: nil, sampling: sampling, bootstrap: Bootstrap(resamples: 20))
                #expect(selfCheck.samplesRunId == entropy.samplesRunId)
                #expect(selfCheck.scores.contains { $0.score == SelfCheckTask.unigramAverage })
                let verbalized = try await pass.verbalized(VerbalizedConfidenceTask(style: .top1, chat: nil, maxTokens: 24), items: items,
                                                            data: DatasetIdentity(checksum: dataset.checksum, itemCount: dataset.items.count, path: dataset.fileURL.path),
                                                            model: client, labelMetric: "bleu_acc", binning: binning)
                // A 135M model may not follow Tian's format: then every reply is a counted parse
                // failure and there is no summary; either way every reply is stored and accounted for.
                #expect(try store.items(run: verbalized.runId).count == 2)
                #expect(verbalized.asked == 2 && verbalized.parsed + verbalized.parseFailures.count == 2)
                #expect((verbalized.summary == nil) == (verbalized.parsed == 0))
            } catch {
                try? await client.shutdown()
                throw error
            }
            try await client.shutdown()
        }
    }
}
