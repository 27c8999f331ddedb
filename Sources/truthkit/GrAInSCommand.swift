import ArgumentParser
import Foundation
import TKBackends
import TKBenchmarks
import TKConsole
import TKEngine
import TKInterventions

/// `truthkit grains fit`: GrAInS steering directions per fold from integrated-gradients token
/// attribution and ablation. Apply one with `--intervention grains:file=FILE,alpha=4`.
struct GrAInSCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "grains",
        abstract: "GrAInS: fit per-fold steering directions from contrastive integrated-gradients token attribution.",
        subcommands: [Fit.self])

    struct Fit: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "fit",
            abstract: "Fit GrAInS on TruthfulQA (MC1 true vs first false answer): per fold, a unit direction after --layer.",
            discussion: """
                Per training question: integrated gradients of log p(true) − log p(false) over the prompt's \
                input embeddings (zero baseline, trapezoid on --steps nodes per decade of α); the --top-k tokens with the \
                highest and with the lowest attribution are ablated (embeddings zeroed) in two passes, and the \
                difference of the residual streams after --layer at the prompt's last token is kept. A fold's \
                direction is the first principal direction of those differences over its training questions \
                (a seeded sample of --questions-per-fold). Llama-family models (llama, qwen2).
                """)

        @OptionGroup var model: ModelOption
        @OptionGroup var engine: EngineOptions
        @OptionGroup var data: ActivationFitData

        @Option(help: "Where to write the fit (JSON).")
        var out: String

        @Option(help: "The block after which the residual stream is read and steered (default: three quarters of the way up).")
        var layer: Int?

        @Option(help: "Prompt tokens ablated per side (highest and lowest attribution).")
        var topK: Int = 10

        @Option(help: "Integration nodes per decade of α (nodes spaced in log α from 1e-12 to 1: 12·steps + 2 passes per answer; the zero-embedding baseline is stiff).")
        var steps: Int = 8

        @Option(help: "Training questions used per fold (a seeded sample).")
        var questionsPerFold: Int = 50

        @Flag(help: "Print a summary as JSON on stdout.")
        var json = false

        func validate() throws {
            try data.check()
            guard (1...1000).contains(steps) else { throw ValidationError("--steps must be in 1…1000, got \(steps)") }
            guard topK >= 1 else { throw ValidationError("--top-k must be at least 1, got \(topK)") }
            guard questionsPerFold >= 1 else { throw ValidationError("--questions-per-fold must be at least 1, got \(questionsPerFold)") }
            if let layer, layer < 0 { throw ValidationError("--layer must be a block number (0 or more), got \(layer)") }
        }

        func run() async throws {
            let (dataset, items, examples) = try data.answerContrasts()
            let modelPath = try await model.resolvedPath()
            printError("loading \(modelPath)")
            let transformer = try TransformerModel(path: modelPath)
            let options = GrAInSFitOptions(layer: layer ?? (transformer.config.layers * 3 / 4), topK: topK, steps: steps,
                                           questionsPerFold: questionsPerFold)
            let bar = ProgressBar(label: "grains attribution", total: nil, unit: .items(named: "question"))
            let start = Date()
            let fit = try GrAInSFitter.fit(
                model: transformer, examples: examples, dataChecksum: dataset.checksum, folds: data.folds, seed: data.foldSeed, options: options,
                fingerprint: try ModelFingerprint.of(path: modelPath), metadata: data.contrastMetadata(dataset: dataset, items: items, modelPath: modelPath),
                threads: engine.threads, progress: { done, total in bar.update(completed: Int64(done), total: Int64(total)) })
            bar.finish()
            try fit.write(to: out)
            let summary = GrAInSFitSummary(file: out, layer: fit.options.layer, data_checksum: fit.dataChecksum,
                                           folds: fit.folds.map { .init(fold: $0.fold, attributed_questions: $0.attributedQuestions.count, mean_change_norm: $0.meanChangeNorm) },
                                           seconds: Date().timeIntervalSince(start))
            if json { try printJSON(summary) } else { printError(summary.text) }
        }
    }
}

/// What `grains fit` reports.
struct GrAInSFitSummary: Encodable {
    struct Fold: Encodable { var fold: Int; var attributed_questions: Int; var mean_change_norm: Double }
    var file: String
    var layer: Int
    var data_checksum: String
    var folds: [Fold]
    var seconds: Double

    var text: String {
        (["GrAInS fit \(file): layer \(layer), data \(data_checksum)"]
            + folds.map { "fold \($0.fold): \($0.attributed_questions) questions, mean change norm \(String(format: "%.3g", $0.mean_change_norm))" }
            + [String(format: "%.1f s", seconds)]).joined(separator: "\n")
    }
}
