import Foundation
import Testing
import TKBackends
import TKEngine
import TKEvalCore
import TKEvaluation
import TKGGUF
import TKKernels
import TKTesting

/// `TradeoffSweep` on a real (tiny, random-weight) engine: each setting a stored run compared with
/// the baseline on the same items.
@Suite struct TradeoffSweepTests {
    /// A tiny llama whose vocabulary spells the fixture's null-preset prompts ("Q: Q0?\n\nA: T").
    private func model() throws -> String {
        var config = TinyModel.Config()
        config.vocab = 48
        config.contextLength = 128
        let tiny = TinyModel(config: config, seed: 5) { writer in
            let letters = "abcdefghijklmnopqrstuvwxyzĠ.,!?".map { String($0) }
            var tokens = ["<|endoftext|>"] + letters + ["ab", "Ġa", "Ġb", "cd"] + ["Q", "A", "T", "F", ":", "Ċ", "0", "1", "2", "3", "4"]
            while tokens.count < 48 { tokens.append("<extra_\(tokens.count)>") }
            writer.set("tokenizer.ggml.tokens", .array(.string, tokens.map { .string($0) }))
            writer.set("tokenizer.ggml.token_type", .array(.int32, tokens.map { $0.hasPrefix("<") ? .int32(3) : .int32(1) }))
        }
        return try tiny.writeToTemporaryFile()
    }

    @Test func unquantisedFullDepthRowEqualsTheBaselineRun() async throws {
        let path = try model()
        defer { try? FileManager.default.removeItem(atPath: path) }
        // The baseline computed on its own, in another store, by the plain evaluator.
        let elsewhere = try TemporaryFolder()
        let plain = try NativeModel.load(path: path)
        let alone = try await Evaluator(store: try elsewhere.store()).run(Fixture.task, items: Fixture.items, model: plain, data: Fixture.data)
        let aloneSummary = try Fixture.task.summarize(alone.results)

        let transformer = try TransformerModel(path: path)
        let fingerprint = try ModelFingerprint.of(path: path)
        func setting(_ o: InferenceOptions) -> SweepSetting {
            SweepSetting(label: o.summary, settings: o.settings, kvBytesPerToken: o.kvBytesPerToken(of: transformer.config),
                         layerFraction: o.layerFraction(of: transformer.config)) {
                try NativeModel(model: transformer, fingerprint: fingerprint, intervention: nil, options: o)
            }
        }
        let folder = try TemporaryFolder()
        let kivi = InferenceOptions(kvCache: .kivi(.init(bits: 2, group: 4, residual: 4)))
        let sweep = TradeoffSweep(comparison: FoldedComparison(task: Fixture.task, evaluator: Evaluator(store: try folder.store()), data: Fixture.data))
        let report = try await sweep.run(items: Fixture.items, baseline: setting(.standard),
                                         settings: [.standard, kivi, InferenceOptions(exitLayer: 1)].map(setting))

        let full = report.rows[0]
        #expect(full.label == "standard" && full.runIds == report.baseline.runIds)
        let compared = Fixture.task.headline.filter { aloneSummary.metrics[$0] != nil }
        #expect(compared.contains("mc1") && compared.contains("mc2"))
        for m in compared {
            let expected = try #require(aloneSummary.metrics[m])
            #expect(full.metrics[m] == expected, "\(m)")
            #expect(report.baseline.metrics[m] == expected, "\(m)")
            let d = try #require(full.difference[m])
            #expect(d.meanDifference == 0 && d.lower == 0 && d.upper == 0 && d.count == Fixture.items.count)
        }
        // The other settings are runs of their own, recorded with their options.
        #expect(report.rows[1].runIds != report.baseline.runIds && report.rows[2].runIds != report.baseline.runIds)
        #expect(report.rows[1].settings == ["kv_cache": "kivi2:group=4,residual=4"])
        // 2 blocks × (keys + values) × 16 channels × (2 bits + two 16-bit numbers per group of 4 = 10 bits) / 8.
        #expect(report.rows[1].kvBytesPerToken == 2 * 2 * 16 * 10 / 8 && report.rows[1].layerFraction == 1)
        #expect(report.rows[2].layerFraction == 0.5 && report.rows[2].kvBytesPerToken == 2 * 1 * 16 * 4)
        let json = String(decoding: try OutputJSON.encoder().encode(report), as: UTF8.self)
        #expect(json.contains("\"kv_bytes_per_token\"") && json.contains("\"layer_fraction\"") && json.contains("\"run_ids\""))
        #expect(report.table().contains("kv=kivi2"))
    }
}
