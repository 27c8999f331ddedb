import ArgumentParser
import Foundation
import TKCalibration
import TKConsole
import TKEngine
import TKInterventions
import TKMetrics

/// `truthkit probe`: how well linear probes on each layer's residual stream tell true TruthfulQA
/// statements from false ones, on questions they were not fitted on.
struct ProbeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "probe",
        abstract: "Truth probes per layer: logistic, mass-mean and IID mass-mean on the residual stream, question-grouped CV, AUROC.",
        discussion: """
            Statements are `Q: {question} A: {answer}` for every true and false MC2 answer; the residual \
            stream after each layer is read at the statement's last token. Questions are split into folds; \
            each statement is scored by probes fitted on the other folds' questions only. AUROC is over all \
            out-of-fold scores, with a bootstrap interval that resamples questions.
            """)

    @OptionGroup var model: ModelOption
    @OptionGroup var engine: EngineOptions
    @OptionGroup var data: ActivationFitData

    @Option(help: "Layers to probe: all, or a comma-separated list of 0-based block indices (the residual stream after that block).")
    var layers = "all"

    @Option(help: "Probe kinds, comma-separated: logistic, mass-mean, mass-mean-iid.")
    var probes = "logistic,mass-mean,mass-mean-iid"

    @Option(help: "Bootstrap resamples (of questions) for the AUROC intervals.")
    var resamples = 1_000

    @Flag(help: "Print the result as JSON on stdout.")
    var json = false

    struct Entry: Encodable {
        var layer: Int
        var probe: String
        var auroc: Double?
        var aurocLow: Double?
        var aurocHigh: Double?
    }

    struct Output: Encodable {
        var model: String
        var statements: Int
        var questions: Int
        var folds: Int
        var foldSeed: UInt64
        var features: String
        var seconds: Double
        var layers: [Entry]
    }

    func validate() throws {
        try data.check()
        _ = try probeKinds()
        if resamples < 1 { throw ValidationError("--resamples must be at least 1, got \(resamples)") }
    }

    func probeKinds() throws -> [LinearProbe.Kind] {
        try probes.split(separator: ",").map { name in
            guard let kind = LinearProbe.Kind(rawValue: name.trimmingCharacters(in: .whitespaces)) else {
                throw ValidationError("unknown probe '\(name)'; use logistic, mass-mean or mass-mean-iid")
            }
            return kind
        }
    }

    func layerList(count: Int) throws -> [Int] {
        if layers == "all" { return Array(0..<count) }
        return try layers.split(separator: ",").map { text in
            guard let l = Int(text.trimmingCharacters(in: .whitespaces)), (0..<count).contains(l) else {
                throw ValidationError("--layers: '\(text)' is not a layer of this model; use all or numbers in 0...\(count - 1)")
            }
            return l
        }
    }

    func run() async throws {
        let start = Date()
        let (_, examples) = try data.examples()
        let path = try await model.resolvedPath()
        printError("loading \(path)")
        let transformer = try TransformerModel(path: path)
        let chosen = try layerList(count: transformer.config.layers)
        let bar = ProgressBar(label: "probe activations", total: Int64(examples.count), unit: .items(named: "statement"))
        let activations = try ActivationCollector(model: transformer, threads: engine.threads)
            .collect(examples, heads: false, residualLayers: chosen, progress: { bar.update(completed: Int64($0)) })
        bar.finish()
        let folds = try QuestionFolds(questions: Array(Set(examples.map(\.questionIndex))).sorted(), count: data.folds, seed: data.foldSeed)
        let fitBar = ProgressBar(label: "probe fits", total: Int64(chosen.count), unit: .items(named: "layer"))
        let held = try LayerProbeStudy.run(activations, layers: chosen, kinds: try probeKinds(), folds: folds,
                                           progress: { done, _ in fitBar.update(completed: Int64(done)) })
        fitBar.finish()
        let bootstrap = Bootstrap(resamples: resamples, seed: data.foldSeed)
        let entries = try held.map { h in
            let e = try GroupedAUROC.estimate(scores: h.scores, labels: activations.labels, groups: activations.questionIndices, bootstrap: bootstrap)
            return Entry(layer: h.layer, probe: h.kind.rawValue, auroc: e.auroc, aurocLow: e.lower, aurocHigh: e.upper)
        }
        let output = Output(model: URL(fileURLWithPath: path).lastPathComponent, statements: examples.count, questions: folds.questions.count,
                            folds: folds.count, foldSeed: folds.seed, features: "residual stream after each layer, last token of `Q: {question} A: {answer}`",
                            seconds: Date().timeIntervalSince(start), layers: entries)
        if json { try printJSON(output); return }
        var table = TextTable(columns: [.init("LAYER", alignment: .right), .init("PROBE"), .init("AUROC", alignment: .right), .init("95% INTERVAL", alignment: .right)])
        for e in entries {
            table.addRow(String(e.layer), e.probe, e.auroc.map { String(format: "%.4f", $0) } ?? "-",
                         e.aurocLow.flatMap { lo in e.aurocHigh.map { String(format: "%.4f–%.4f", lo, $0) } } ?? "-")
        }
        print("\(output.statements) statements from \(output.questions) questions, \(output.folds)-fold question-grouped CV, \(String(format: "%.1f", output.seconds)) s")
        print(table.render())
    }
}
