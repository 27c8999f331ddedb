import ArgumentParser
import Foundation
import TKBackends
import TKBenchmarks
import TKConsole
import TKEngine
import TKInterventions

/// `truthkit truth-neurons`: rank feed-forward neurons by integrated-gradients attribution to
/// true-over-false answers, per fold, or show a fit. Apply one with
/// `--intervention truth-neurons:file=FILE,k=100[,scale=0]`.
struct TruthNeuronsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "truth-neurons",
        abstract: "Truth Neurons: attribute feed-forward neurons with integrated gradients and rank them per fold, or show a fit.",
        subcommands: [Fit.self, Show.self])

    struct Fit: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "fit",
            abstract: "Rank feed-forward neurons on TruthfulQA by integrated gradients of log p(true) − log p(false), per fold.",
            discussion: """
                For each question, the MC1 true answer and the first MC1 false answer follow `Q: {question}\\nA:`; \
                the objective is the difference of their log-probabilities. Every neuron's gate is integrated \
                from 0 to 1 (trapezoid, --steps intervals; one path for all layers, or one per layer with \
                --path per-layer) and its attribution is the integrated gate gradient. Fold f ranks neurons by \
                the mean attribution over its training questions only (a seeded sample of them with \
                --questions-per-fold), so it may be evaluated on fold f's questions alone. Float32 backward \
                pass on dequantised weights: Llama-family models (llama, qwen2).
                """)

        @OptionGroup var model: ModelOption
        @OptionGroup var data: ActivationFitData

        @Option(help: "Where to write the fit (JSON).")
        var out: String

        @Option(help: "Trapezoid intervals of the integral (steps + 1 forward-backward passes per answer and path).")
        var steps: Int = 8

        @Option(help: "joint: all layers' neurons scaled along one path; per-layer: one path per layer, the others untouched (layers × slower).")
        var path: String = TruthNeuronFitOptions.Path.joint.rawValue

        @Option(help: "Attribute a seeded sample of this many training questions per fold (default: all of them).")
        var questionsPerFold: Int?

        @Option(help: "Neurons kept per fold, best first (the most `k` can select).")
        var keep: Int = 2000

        @Flag(help: "Print a summary as JSON on stdout.")
        var json = false

        func validate() throws {
            try data.check()
            guard (1...1000).contains(steps) else { throw ValidationError("--steps must be in 1…1000, got \(steps)") }
            guard TruthNeuronFitOptions.Path(rawValue: path) != nil else {
                throw ValidationError("--path must be \(TruthNeuronFitOptions.Path.allCases.map(\.rawValue).joined(separator: " or ")), got '\(path)'")
            }
            if let q = questionsPerFold, q < 1 { throw ValidationError("--questions-per-fold must be at least 1, got \(q)") }
            guard keep >= 1 else { throw ValidationError("--keep must be at least 1, got \(keep)") }
        }

        func run() async throws {
            let (dataset, items, examples) = try data.answerContrasts()
            let modelPath = try await model.resolvedPath()
            printError("loading \(modelPath)")
            let transformer = try TransformerModel(path: modelPath)
            let fingerprint = try ModelFingerprint.of(path: modelPath)
            let bar = ProgressBar(label: "truth-neurons attribution", total: nil, unit: .items(named: "question"))
            let start = Date()
            let options = TruthNeuronFitOptions(steps: steps, path: TruthNeuronFitOptions.Path(rawValue: path)!,
                                                questionsPerFold: questionsPerFold, keep: keep)
            let metadata = data.contrastMetadata(dataset: dataset, items: items, modelPath: modelPath)
            let fit = try TruthNeuronFitter.fit(
                model: transformer, examples: examples, dataChecksum: dataset.checksum, folds: data.folds, seed: data.foldSeed,
                options: options, fingerprint: fingerprint, metadata: metadata,
                progress: { done, total in bar.update(completed: Int64(done), total: Int64(total)) })
            bar.finish()
            try fit.write(to: out)
            let summary = TruthNeuronFitSummary(fit: fit, path: out, seconds: Date().timeIntervalSince(start))
            if json { try printJSON(summary) } else { printError(summary.text) }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "Print a saved Truth Neurons fit's model, data and best neurons per fold.")

        @Argument(help: "A fit written by `truthkit truth-neurons fit`.")
        var file: String

        @Option(help: "Neurons to list per fold.")
        var top: Int = 10

        @Flag(help: "Print as JSON on stdout.")
        var json = false

        func run() throws {
            let summary = TruthNeuronFitSummary(fit: try TruthNeuronFit.load(path: file), path: file, seconds: nil, top: max(1, top))
            if json { try printJSON(summary) } else { print(summary.text) }
        }
    }
}

/// What `truth-neurons fit` and `show` report: the model, the data, and each fold's best neurons.
struct TruthNeuronFitSummary: Encodable {
    struct Neuron: Encodable { var layer: Int; var index: Int; var score: Double }
    struct Fold: Encodable { var fold: Int; var held_out_questions: Int; var attributed_questions: Int; var top_neurons: [Neuron] }
    var file: String
    var model: String
    var fingerprint: String?
    var data_checksum: String
    var steps: Int
    var path: String
    var folds: [Fold]
    var seconds: Double?

    init(fit: TruthNeuronFit, path file: String, seconds: Double?, top: Int = 10) {
        self.file = file
        model = fit.model.name ?? fit.model.architecture
        fingerprint = fit.model.fingerprint
        data_checksum = fit.dataChecksum
        steps = fit.options.steps
        path = fit.options.path.rawValue
        self.seconds = seconds
        folds = fit.folds.map { f in
            Fold(fold: f.fold, held_out_questions: fit.split.heldOut(fold: f.fold).count, attributed_questions: f.attributedQuestions.count,
                 top_neurons: f.neurons.prefix(top).map { Neuron(layer: $0.layer, index: $0.index, score: $0.score) })
        }
    }

    var text: String {
        var lines = ["Truth Neurons fit \(file): \(model) (\(fingerprint ?? "no fingerprint")), data \(data_checksum), \(steps) steps, \(path) path"]
        for f in folds {
            lines.append("fold \(f.fold): attributed \(f.attributed_questions) training questions, held out \(f.held_out_questions); best neurons (layer.index score):")
            lines.append("  " + f.top_neurons.map { "\($0.layer).\($0.index) \(String(format: "%.3g", $0.score))" }.joined(separator: ", "))
        }
        if let seconds { lines.append(String(format: "%.1f s", seconds)) }
        return lines.joined(separator: "\n")
    }
}

extension ActivationFitData {
    /// Each item's MC1 true answer and first MC1 false answer after `Q: {question}\nA:` — the
    /// contrast Truth Neurons and GrAInS attribute.
    func answerContrasts() throws -> (TruthfulQADataset, [TruthfulQAItem], [AnswerContrast]) {
        let (dataset, items) = try items()
        let examples = try items.map { item -> AnswerContrast in
            let pairs = zip(item.mc1.choices, item.mc1.labels)
            guard let good = pairs.first(where: { $0.1 == 1 })?.0, let bad = pairs.first(where: { $0.1 != 1 })?.0 else {
                throw ValidationError("question \(item.index) has no true or no false MC1 answer; attribution needs one of each")
            }
            return AnswerContrast(questionIndex: item.index, prompt: AnswerContrast.prompt(question: item.question), trueAnswer: good, falseAnswer: bad)
        }
        return (dataset, items, examples)
    }

    func contrastMetadata(dataset: TruthfulQADataset, items: [TruthfulQAItem], modelPath: String) -> [String: String] {
        var metadata = self.metadata(dataset: dataset, examples: [], modelPath: modelPath)
        metadata["questions"] = String(items.count)
        metadata["answers"] = String(2 * items.count)
        metadata["choices"] = "mc1 true, first mc1 false"
        return metadata
    }
}
