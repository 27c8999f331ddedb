import ArgumentParser
import Foundation
import TKBackends
import TKBenchmarks
import TKConsole
import TKEngine
import TKInterventions

/// `truthkit caad fit`: build CAAD's per-fold stores of (context embedding, next-token logits) from
/// truthful answers. Apply with `--intervention caad:file=FILE[,coefficient=…]`.
struct CAADCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "caad",
        abstract: "Context-aware adaptive decoding: build the per-fold stores of truthful contexts.",
        subcommands: [Fit.self])

    struct Fit: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "fit",
            abstract: "Read truthful answers (each question's MC1 correct answer) into one store per fold.",
            discussion: """
                Each answer follows the evaluation's prompt (the --preset's context for its question), and every \
                answer token adds one entry: the final block's output and the logits at the position predicting it. \
                Fold f's store holds --questions questions drawn (seeded) from outside fold f only.
                """)

        @OptionGroup var model: ModelOption
        @OptionGroup var engine: EngineOptions
        @OptionGroup var data: ActivationFitData

        @Option(help: "Where to write the fit (JSON).")
        var out: String

        @Option(help: "Questions whose truthful answer fills each fold's store (the reference uses as few as 10).")
        var questions: Int = 10

        @Option(help: "Prompt preset the contexts are built with (use the one you evaluate with): \(PromptPreset.allCases.map(\.rawValue).joined(separator: ", ")).")
        var preset: String = PromptPreset.qa.rawValue

        @Flag(help: "Print a summary as JSON on stdout.")
        var json = false

        func validate() throws {
            try data.check()
            guard questions >= 1 else { throw ValidationError("--questions must be at least 1, got \(questions)") }
            guard PromptPreset(rawValue: preset) != nil else {
                throw ValidationError("unknown --preset '\(preset)'; use one of \(PromptPreset.allCases.map(\.rawValue).joined(separator: ", "))")
            }
        }

        func run() async throws {
            let (dataset, items) = try data.items()
            let format = PromptFormat(preset: PromptPreset(rawValue: preset)!)
            let examples: [CAADExample] = try items.compactMap { item in
                guard let k = item.mc1.labels.firstIndex(of: 1) else { return nil }
                return CAADExample(questionIndex: item.index, context: try format.context(question: item.question),
                                   answer: format.continuation(choice: item.mc1.choices[k]))
            }
            let path = try await model.resolvedPath()
            printError("loading \(path)")
            let transformer = try TransformerModel(path: path)
            let bar = ProgressBar(label: "caad stores", total: Int64(questions * data.folds), unit: .items(named: "question"))
            let start = Date()
            let fit = try CAADFitter.fit(
                model: transformer, examples: examples, dataChecksum: dataset.checksum, promptTemplate: "preset \(preset) + MC1 correct answer",
                folds: data.folds, seed: data.foldSeed, questionsPerFold: questions, fingerprint: try ModelFingerprint.of(path: path),
                metadata: ["data": dataset.fileURL.path, "language": dataset.language, "questions": String(examples.count),
                           "limit": data.limit.map(String.init) ?? "all", "model_file": URL(fileURLWithPath: path).lastPathComponent],
                threads: engine.threads, progress: { bar.update(completed: Int64($0)) })
            bar.finish()
            try fit.write(to: out)
            struct Summary: Encodable {
                struct Fold: Encodable { var fold: Int; var held_out_questions: Int; var stored_questions: [Int]; var entries: Int }
                var file: String; var data_checksum: String; var folds: [Fold]; var seconds: Double
            }
            let summary = Summary(file: out, data_checksum: fit.dataChecksum, folds: fit.stores.enumerated().map { f, s in
                Summary.Fold(fold: f, held_out_questions: fit.split.heldOut(fold: f).count, stored_questions: Array(Set(s.questions)).sorted(), entries: s.count)
            }, seconds: Date().timeIntervalSince(start))
            if json {
                try printJSON(summary)
            } else {
                printError("CAAD stores \(out): " + summary.folds.map { "fold \($0.fold) \($0.entries) entries from \($0.stored_questions.count) questions" }.joined(separator: ", "))
            }
        }
    }
}
