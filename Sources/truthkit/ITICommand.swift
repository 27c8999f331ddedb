import ArgumentParser
import Foundation
import TKBackends
import TKBenchmarks
import TKConsole
import TKEngine
import TKInterventions

/// `truthkit iti`: fit inference-time intervention (ITI) probes and directions, with two-fold
/// cross-validation by question, and inspect a saved fit. Apply one with
/// `--intervention iti:file=FILE,alpha=15,k=48[,fold=F]`.
struct ITICommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "iti",
        abstract: "Inference-time intervention: fit per-head truthfulness probes and directions, or show a fit.",
        subcommands: [Fit.self, Show.self])

    struct Fit: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "fit",
            abstract: "Fit ITI on TruthfulQA (MC2 answers): probes per head, top heads, directions and σ per fold.",
            discussion: """
                Every attention head's output is read at the last token of `Q: {question} A: {answer}` for each \
                true and false MC2 answer. Questions are split into folds; fold f's probes, head ranking, \
                directions and σ use only the questions outside fold f, so fold f's fit may be evaluated on \
                fold f's questions alone. The file records the model, the data checksum and the fold of every question.
                """)

        @OptionGroup var model: ModelOption
        @OptionGroup var engine: EngineOptions
        @OptionGroup var data: ActivationFitData

        @Option(help: "Where to write the fit (JSON).")
        var out: String

        @Option(help: "Fraction of each fold's training questions used to rank the probes.")
        var validationFraction: Double = 0.2

        @Option(help: "L2 penalty λ of the probes on standardised activations (scikit-learn's 1/C).")
        var l2: Double = 1

        @Flag(help: "Print a summary as JSON on stdout.")
        var json = false

        func validate() throws {
            try data.check()
            guard validationFraction > 0, validationFraction < 1 else { throw ValidationError("--validation-fraction must be between 0 and 1, got \(validationFraction)") }
            guard l2 > 0, l2.isFinite else { throw ValidationError("--l2 must be positive, got \(l2)") }
        }

        func run() async throws {
            let (dataset, examples) = try data.examples()
            let path = try await model.resolvedPath()
            printError("loading \(path)")
            let transformer = try TransformerModel(path: path)
            let fingerprint = try ModelFingerprint.of(path: path)
            let bar = ProgressBar(label: "iti activations", total: Int64(examples.count), unit: .items(named: "answer"))
            let start = Date()
            let fit = try ITIFitter.fit(
                model: transformer, examples: examples, dataChecksum: dataset.checksum, folds: data.folds, seed: data.foldSeed,
                options: ITIFitOptions(validationFraction: validationFraction, l2: l2), fingerprint: fingerprint,
                metadata: data.metadata(dataset: dataset, examples: examples, modelPath: path), threads: engine.threads,
                progress: { bar.update(completed: Int64($0)) })
            bar.finish()
            try fit.write(to: out)
            let summary = ITIFitSummary(fit: fit, path: out, seconds: Date().timeIntervalSince(start))
            if json { try printJSON(summary) } else { printError(summary.text) }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "Print a saved ITI fit's model, data and best heads per fold.")

        @Argument(help: "An ITI fit written by `truthkit iti fit`.")
        var file: String

        @Option(help: "Heads to list per fold.")
        var top: Int = 10

        @Flag(help: "Print as JSON on stdout.")
        var json = false

        func run() throws {
            let fit = try ITIFit.load(path: file)
            let summary = ITIFitSummary(fit: fit, path: file, seconds: nil, top: max(1, top))
            if json { try printJSON(summary) } else { print(summary.text) }
        }
    }
}

/// What `iti fit` and `iti show` report: the model, the data, and each fold's best heads.
struct ITIFitSummary: Encodable {
    struct Head: Encodable { var layer: Int; var head: Int; var validation_accuracy: Double; var sigma: Float }
    struct Fold: Encodable { var fold: Int; var held_out_questions: Int; var training_questions: Int; var top_heads: [Head] }
    var file: String
    var model: String
    var fingerprint: String?
    var data_checksum: String
    var folds: [Fold]
    var seconds: Double?

    init(fit: ITIFit, path: String, seconds: Double?, top: Int = 10) {
        file = path
        model = fit.model.name ?? fit.model.architecture
        fingerprint = fit.model.fingerprint
        data_checksum = fit.dataChecksum
        self.seconds = seconds
        folds = fit.folds.map { f in
            Fold(fold: f.fold, held_out_questions: fit.heldOutQuestions(fold: f.fold).count,
                 training_questions: fit.trainingQuestions(fold: f.fold).count,
                 top_heads: f.heads.prefix(top).map { Head(layer: $0.layer, head: $0.head, validation_accuracy: $0.validationAccuracy, sigma: $0.sigma) })
        }
    }

    var text: String {
        var lines = ["ITI fit \(file): \(model) (\(fingerprint ?? "no fingerprint")), data \(data_checksum)"]
        for f in folds {
            lines.append("fold \(f.fold): fitted on \(f.training_questions) questions, held out \(f.held_out_questions); best heads (layer.head val-acc σ):")
            lines.append("  " + f.top_heads.map { "\($0.layer).\($0.head) \(String(format: "%.3f", $0.validation_accuracy)) \(String(format: "%.3g", $0.sigma))" }.joined(separator: ", "))
        }
        if let seconds { lines.append(String(format: "%.1f s", seconds)) }
        return lines.joined(separator: "\n")
    }
}

/// The data options shared by `iti fit` and `steer fit`, and the conversion of TruthfulQA MC2
/// items into labelled answers.
struct ActivationFitData: ParsableArguments {
    @Option(help: "A data file (multiple-choice JSONL or an official TruthfulQA CSV) instead of the installed default.")
    var data: String?

    @Option(help: "Language of the installed data (en, es, ca, eu, gl).")
    var lang: String = "en"

    @Option(name: .customLong("data-version"), help: "Release of the installed data (hf, v0, v1, 2025, multi). A fit applies only to runs on the same data, so fit on v0 to intervene on `eval --task truthfulqa-gen` (whose default is v0).")
    var dataVersion: TruthfulQAVersion?

    @Option(help: "Number of cross-validation folds (split by question).")
    var folds: Int = 2

    @Option(help: "Seed of the fold split.")
    var foldSeed: UInt64 = 0

    @Option(help: "Use only the first N questions in file order.")
    var limit: Int?

    func check() throws {
        guard folds >= 2 else { throw ValidationError("--folds must be at least 2; a held-out score needs questions the fit never saw") }
        if let limit, limit < folds { throw ValidationError("--limit must be at least the number of folds (\(folds))") }
    }

    /// The data and its first `--limit` items (at least one per fold).
    func items() throws -> (TruthfulQADataset, [TruthfulQAItem]) {
        let dataset: TruthfulQADataset
        if let data {
            dataset = data.lowercased().hasSuffix(".csv") ? try TruthfulQADataset.loadCSV(path: data) : try TruthfulQADataset.loadMultipleChoiceJSONL(path: data)
        } else {
            dataset = try TruthfulQADataset.load(language: lang, version: dataVersion)
        }
        let items = Array(dataset.items.prefix(limit ?? dataset.items.count))
        guard items.count >= folds else { throw ValidationError("the data has \(items.count) questions, fewer than \(folds) folds") }
        return (dataset, items)
    }

    func examples() throws -> (TruthfulQADataset, [ProbeExample]) {
        let (dataset, items) = try items()
        var examples: [ProbeExample] = []
        for item in items {
            for (choice, label) in zip(item.mc2.choices, item.mc2.labels) {
                examples.append(ProbeExample(questionIndex: item.index, prompt: ProbeExample.prompt(question: item.question, answer: choice), isTrue: label == 1))
            }
        }
        return (dataset, examples)
    }

    func metadata(dataset: TruthfulQADataset, examples: [ProbeExample], modelPath: String) -> [String: String] {
        ["data": dataset.fileURL.path, "language": dataset.language, "questions": String(Set(examples.map(\.questionIndex)).count),
         "answers": String(examples.count), "choices": "mc2", "limit": limit.map(String.init) ?? "all",
         "model_file": URL(fileURLWithPath: modelPath).lastPathComponent]
    }
}
