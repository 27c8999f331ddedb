import ArgumentParser
import Foundation
import TKBackends
import TKBenchmarks
import TKConsole
import TKEngine
import TKInterventions

/// `truthkit steer`: fit mean-difference steering vectors on the residual stream, per fold.
/// Apply them with `--intervention steer:file=FILE,alpha=4[,fold=F][,layers=L,…]`.
struct SteerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "steer",
        abstract: "Steering vectors: fit mean-difference vectors on the residual stream from true/false answers.",
        subcommands: [Fit.self])

    struct Fit: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "fit",
            abstract: "Fit steering vectors at chosen layers (mean true − mean false, training fold only).",
            discussion: """
                The residual stream after each chosen block is read at the last token of `Q: {question} A: {answer}` \
                for every MC2 answer. Fold f's vectors average only the questions outside fold f.
                """)

        @OptionGroup var model: ModelOption
        @OptionGroup var engine: EngineOptions
        @OptionGroup var data: ActivationFitData

        @Option(help: "Layers to fit vectors at, comma-separated (e.g. 10,12).")
        var layers: String

        @Option(help: "Where to write the vectors (JSON).")
        var out: String

        @Flag(help: "Print a summary as JSON on stdout.")
        var json = false

        func parsedLayers() throws -> [Int] {
            let parts = layers.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            let values = parts.compactMap { Int($0) }
            guard !parts.isEmpty, values.count == parts.count else { throw ValidationError("--layers must be comma-separated layer numbers, e.g. 10,12; got '\(layers)'") }
            return values
        }

        func validate() throws {
            try data.check()
            _ = try parsedLayers()
        }

        func run() async throws {
            let chosen = try parsedLayers()
            let (dataset, examples) = try data.examples()
            let path = try await model.resolvedPath()
            printError("loading \(path)")
            let transformer = try TransformerModel(path: path)
            for l in chosen where !(0..<transformer.config.layers).contains(l) {
                throw ValidationError("layer \(l) does not exist; this model has layers 0...\(transformer.config.layers - 1)")
            }
            let fingerprint = try ModelFingerprint.of(path: path)
            let bar = ProgressBar(label: "steering activations", total: Int64(examples.count), unit: .items(named: "answer"))
            let fit = try SteeringFitter.fit(
                model: transformer, examples: examples, layers: chosen, dataChecksum: dataset.checksum, folds: data.folds,
                seed: data.foldSeed, fingerprint: fingerprint, metadata: data.metadata(dataset: dataset, examples: examples, modelPath: path),
                threads: engine.threads, progress: { bar.update(completed: Int64($0)) })
            bar.finish()
            try fit.write(to: out)
            struct Summary: Encodable {
                struct Vector: Encodable { var fold: Int; var layer: Int; var norm: Float }
                var file: String; var data_checksum: String; var layers: [Int]; var vectors: [Vector]
            }
            let summary = Summary(file: out, data_checksum: fit.dataChecksum, layers: fit.layers,
                                  vectors: fit.folds.flatMap { f in f.vectors.map { Summary.Vector(fold: f.fold, layer: $0.layer, norm: $0.norm) } })
            if json {
                try printJSON(summary)
            } else {
                printError("steering vectors \(out): " + summary.vectors.map { "fold \($0.fold) layer \($0.layer) ‖v‖=\(String(format: "%.3g", $0.norm))" }.joined(separator: ", "))
            }
        }
    }
}
