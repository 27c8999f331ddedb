import ArgumentParser
import Foundation
import TKBackends
import TKBenchmarks
import TKEngine
import TKEvaluation
import TKKernels
import TKStore

/// `truthkit sweep`: the efficiency trade-off — KV-cache formats × depth settings (full, early
/// exits, layer skipping), each a stored run compared with the unchanged engine on the same items.
struct SweepCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Sweep KV-cache formats and early-exit / layer-skipping settings over a task: metrics vs memory and compute.",
        discussion: """
            Every combination of a --kv-cache format with a depth setting (the full model, each \
            --exit-layers value, each --skip-every value, each --skip-layers list) is a stored run of \
            its own (resumable; `eval` with the same options finds it), compared with the baseline \
            (f32 cache, every block) on the same items: MC1/MC2 (or BLEU/ROUGE for truthfulqa-gen) \
            with bootstrap intervals, the paired difference to the baseline, KV bytes per token of a \
            packed cache and the fraction of block compute used.
            """)

    enum TaskName: String, ExpressibleByArgument, CaseIterable {
        case truthfulqaMC = "truthfulqa-mc"
        case gen = "truthfulqa-gen"
    }

    @OptionGroup var model: ModelOption
    @OptionGroup var engine: EngineOptions

    @Option(help: "Task: truthfulqa-mc (default) or truthfulqa-gen.")
    var task: TaskName = .truthfulqaMC

    @Option(name: .customLong("kv-cache"), help: ArgumentHelp("KV-cache formats, comma-separated: \(KVCacheFormat.names.joined(separator: ", ")).", valueName: "list"))
    var kvCache: String = "f32"

    @Option(name: .customLong("exit-layers"), help: ArgumentHelp("Early exits to try, comma-separated block counts (the model's block count is the full model).", valueName: "list"))
    var exitLayers: String?

    @Option(name: .customLong("skip-every"), help: ArgumentHelp("Layer-skipping settings to try, comma-separated k values (skip every k-th block).", valueName: "list"))
    var skipEvery: String?

    @Option(name: .customLong("skip-layers"), help: ArgumentHelp("A set of blocks to skip (e.g. 3,7); repeat for several settings.", valueName: "list"))
    var skipLayers: [String] = []

    @Option(help: "Prompt preset (a text preset: \(PromptPreset.allCases.map(\.rawValue).joined(separator: ", "))).")
    var preset: String = "qa"

    @Option(name: .customLong("max-tokens"), help: "truthfulqa-gen: most tokens per answer.")
    var maxTokens: Int = 64

    @Option(help: "Evaluate only the first N items in file order.")
    var limit: Int?

    @Option(help: "Run store (SQLite). Default: $TRUTHKIT_HOME/runs.sqlite.")
    var store: String?

    @Flag(help: "Print the sweep as JSON on stdout.")
    var json = false

    func validate() throws {
        guard PromptPreset(rawValue: preset) != nil else {
            throw ValidationError("Unknown preset '\(preset)'. The sweep takes a text preset: \(PromptPreset.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1") }
        guard (1...4096).contains(maxTokens) else { throw ValidationError("--max-tokens must be between 1 and 4096") }
        _ = try grid()
    }

    /// Every (format, depth) combination the flags ask for, formats outermost.
    func grid() throws -> [InferenceOptions] {
        func list(_ text: String, _ flag: String) throws -> [Int] {
            try text.split(separator: ",").map { part in
                guard let k = Int(part.trimmingCharacters(in: .whitespaces)) else {
                    throw ValidationError("\(flag): '\(part)' is not a whole number; give numbers separated by commas")
                }
                return k
            }
        }
        var depths: [InferenceOptions] = [.standard]
        for e in try exitLayers.map({ try list($0, "--exit-layers") }) ?? [] {
            depths.append(try EfficiencyOptions.parse(kvCache: "f32", exitLayer: e, skipLayers: nil, skipEvery: nil))
        }
        for k in try skipEvery.map({ try list($0, "--skip-every") }) ?? [] {
            depths.append(try EfficiencyOptions.parse(kvCache: "f32", exitLayer: nil, skipLayers: nil, skipEvery: k))
        }
        for s in skipLayers {
            depths.append(try EfficiencyOptions.parse(kvCache: "f32", exitLayer: nil, skipLayers: s, skipEvery: nil))
        }
        var grid: [InferenceOptions] = []
        for name in kvCache.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) {
            guard let format = KVCacheFormat(name: name) else {
                throw ValidationError("--kv-cache '\(name)' is not a format; use \(KVCacheFormat.names.joined(separator: ", "))")
            }
            for d in depths {
                var o = d
                o.kvCache = format
                if !grid.contains(o) { grid.append(o) }
            }
        }
        return grid
    }

    func run() async throws {
        let path = try await model.resolvedPath()
        let threads = engine.threads
        printError("loading \(path)")
        let transformer = try TransformerModel(path: path)
        // An exit at the block count is the full model: one row, the baseline's run.
        var grid: [InferenceOptions] = []
        for var o in try self.grid() {
            if o.exitLayer == transformer.config.layers { o.exitLayer = nil }
            if !grid.contains(o) { grid.append(o) }
        }
        for o in grid { try o.validate(for: transformer.config) }
        let fingerprint = try ModelFingerprint.of(path: path)
        func setting(_ o: InferenceOptions) -> SweepSetting {
            SweepSetting(label: o.summary, settings: o.settings, kvBytesPerToken: o.kvBytesPerToken(of: transformer.config),
                         layerFraction: o.layerFraction(of: transformer.config)) {
                try NativeModel(model: transformer, threads: threads, fingerprint: fingerprint, intervention: nil, options: o)
            }
        }
        let dataset = task == .gen
            ? try TruthfulQADataset.loadForGeneration(language: "en", version: nil)
            : try TruthfulQADataset.load(language: "en", version: nil)
        let items = Array(dataset.items.prefix(limit ?? dataset.items.count))
        guard !items.isEmpty else { throw ValidationError("the data file has no items") }
        var settings = ["preset": preset, "language": dataset.language, "backend": "native"]
        if let v = dataset.version { settings["data_version"] = v.rawValue }
        let evaluator = Evaluator(store: try ResultStore(path: store), progress: ConsoleProgress().handler)
        let textPreset = PromptPreset(rawValue: preset)!
        let baseline = setting(.standard)
        let rows = grid.map(setting)
        printError("sweeping \(rows.count) setting(s) on \(items.count) items: \(rows.map(\.label).joined(separator: "; "))")
        let report: TradeoffReport
        switch task {
        case .truthfulqaMC:
            let mc = TruthfulQAMultipleChoiceTask(format: PromptFormat(preset: textPreset), scoring: .logprob)
            var comparison = FoldedComparison(task: mc, evaluator: evaluator, data: dataset.identity, settings: settings)
            comparison.finishRuns = true
            report = try await TradeoffSweep(comparison: comparison).run(items: items, baseline: baseline, settings: rows)
        case .gen:
            let gen = try TruthfulQAGenerationTask(preset: textPreset, generation: GenerationSettings(maxTokens: maxTokens, temperature: 0, seed: 0))
            var comparison = FoldedComparison(task: gen, evaluator: evaluator, data: dataset.identity, settings: settings)
            comparison.finishRuns = true
            report = try await TradeoffSweep(comparison: comparison).run(items: items, baseline: baseline, settings: rows)
        }
        if json { try printJSON(report) } else { print(report.table()) }
    }
}
