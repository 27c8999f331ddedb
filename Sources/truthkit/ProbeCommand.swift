import ArgumentParser
import Foundation
import TKBenchmarks
import TKCalibration
import TKConsole
import TKEngine
import TKEvaluation
import TKInterventions
import TKMetrics
import TKStore

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
            out-of-fold scores, with a bootstrap interval that resamples questions. With --ood-answers RUN_ID, \
            each probe is also fitted on all MC statements of the questions that run did not answer and tested \
            on `Q: {question} A: {the model's own answer}` from that `truthfulqa-gen` run, labelled by \
            --ood-labels (out-of-distribution AUROC).
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

    @Option(name: .customLong("ood-answers"), help: "A `truthfulqa-gen` run whose answers form the out-of-distribution test set.")
    var oodAnswers: Int64?

    @Option(name: .customLong("ood-labels"), help: "Correct/incorrect labels of those answers: bleu, rouge1, rougeL (the run's *_acc) or judge:ID.")
    var oodLabels = "bleu"

    @Option(help: "Run store holding --ood-answers (default: $TRUTHKIT_HOME/runs.sqlite).")
    var store: String?

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
        /// Present with --ood-answers.
        var outOfDistribution: OutOfDistribution?
    }

    struct OutOfDistribution: Encodable {
        var answersRunId: Int64
        var labels: String
        var statements: Int
        var trainingStatements: Int
        var unlabelled: [Int]
        var layers: [Entry]
    }

    func validate() throws {
        try data.check()
        _ = try probeKinds()
        if resamples < 1 { throw ValidationError("--resamples must be at least 1, got \(resamples)") }
        do { _ = try CorrectnessSource(parsing: oodLabels) } catch { throw ValidationError("--ood-labels: \(error)") }
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
        let (dataset, examples) = try data.examples()
        let ood = try oodAnswers.map { id in
            try SelfEvaluationItem.load(store: try ResultStore(path: store), answersRunID: id, source: try CorrectnessSource(parsing: oodLabels), limit: nil)
        }
        let path = try await model.resolvedPath()
        printError("loading \(path)")
        let transformer = try TransformerModel(path: path)
        let chosen = try layerList(count: transformer.config.layers)
        let collector = try ActivationCollector(model: transformer, threads: engine.threads)
        let bar = ProgressBar(label: "probe activations", total: Int64(examples.count), unit: .items(named: "statement"))
        let activations = try collector.collect(examples, heads: false, residualLayers: chosen, progress: { bar.update(completed: Int64($0)) })
        bar.finish()
        let folds = try QuestionFolds(questions: Array(Set(examples.map(\.questionIndex))).sorted(), count: data.folds, seed: data.foldSeed)
        let fitBar = ProgressBar(label: "probe fits", total: Int64(chosen.count), unit: .items(named: "layer"))
        let held = try LayerProbeStudy.run(activations, layers: chosen, kinds: try probeKinds(), folds: folds,
                                           progress: { done, _ in fitBar.update(completed: Int64(done)) })
        fitBar.finish()
        let bootstrap = Bootstrap(resamples: resamples, seed: data.foldSeed)
        func entries(_ held: [LayerProbeStudy.HeldOutScores], _ activations: CollectedActivations) throws -> [Entry] {
            try held.map { h in
                let e = try GroupedAUROC.estimate(scores: h.scores, labels: activations.labels, groups: activations.questionIndices, bootstrap: bootstrap)
                return Entry(layer: h.layer, probe: h.kind.rawValue, auroc: e.auroc, aurocLow: e.lower, aurocHigh: e.upper)
            }
        }
        var outOfDistribution: OutOfDistribution?
        if let ood, let id = oodAnswers {
            outOfDistribution = try outOfDistributionProbes(ood.items, runID: id, unlabelled: ood.unlabelled, dataset: dataset, examples: examples,
                                                            activations: activations, layers: chosen, collector: collector, entries: entries)
        }
        let output = Output(model: URL(fileURLWithPath: path).lastPathComponent, statements: examples.count, questions: folds.questions.count,
                            folds: folds.count, foldSeed: folds.seed, features: "residual stream after each layer, last token of `Q: {question} A: {answer}`",
                            seconds: Date().timeIntervalSince(start), layers: try entries(held, activations), outOfDistribution: outOfDistribution)
        if json { try printJSON(output); return }
        print("\(output.statements) statements from \(output.questions) questions, \(output.folds)-fold question-grouped CV, \(String(format: "%.1f", output.seconds)) s")
        print(Self.render(output.layers, heading: "AUROC"))
        if let o = output.outOfDistribution {
            print("\nOut of distribution: fitted on \(o.trainingStatements) MC statements, tested on \(o.statements) answers of run \(o.answersRunId) labelled by \(o.labels) (\(o.unlabelled.count) unlabelled)")
            print(Self.render(o.layers, heading: "OOD AUROC"))
        }
    }

    static func render(_ entries: [Entry], heading: String) -> String {
        var table = TextTable(columns: [.init("LAYER", alignment: .right), .init("PROBE"), .init(heading, alignment: .right), .init("95% INTERVAL", alignment: .right)])
        for e in entries {
            table.addRow(String(e.layer), e.probe, e.auroc.map { String(format: "%.4f", $0) } ?? "-",
                         e.aurocLow.flatMap { lo in e.aurocHigh.map { String(format: "%.4f–%.4f", lo, $0) } } ?? "-")
        }
        return table.render()
    }

    /// Fits on the MC statements of the questions the answers run did not answer (matched by
    /// question text, so a run on another data release still cannot leak a question) and scores
    /// the model's own answers.
    private func outOfDistributionProbes(_ items: [SelfEvaluationItem], runID: Int64, unlabelled: [Int], dataset: TruthfulQADataset,
                                         examples: [ProbeExample], activations: CollectedActivations, layers: [Int],
                                         collector: ActivationCollector, entries: ([LayerProbeStudy.HeldOutScores], CollectedActivations) throws -> [Entry]) throws -> OutOfDistribution {
        let answered = Set(items.map { $0.question.trimmingCharacters(in: .whitespaces) })
        let heldOutQuestions = Set(dataset.items.filter { answered.contains($0.question.trimmingCharacters(in: .whitespaces)) }.map(\.index))
        let trainingRows = activations.rows(inQuestions: Set(examples.map(\.questionIndex)).subtracting(heldOutQuestions))
        let training = activations.subset(rows: trainingRows)
        let testExamples = items.map { ProbeExample(questionIndex: $0.index, prompt: ProbeExample.prompt(question: $0.question, answer: $0.answer), isTrue: $0.correct) }
        let bar = ProgressBar(label: "ood activations", total: Int64(testExamples.count), unit: .items(named: "answer"))
        let test = try collector.collect(testExamples, heads: false, residualLayers: layers, progress: { bar.update(completed: Int64($0)) })
        bar.finish()
        let scores = try LayerProbeStudy.outOfDistribution(training: training, test: test, layers: layers, kinds: try probeKinds())
        return OutOfDistribution(answersRunId: runID, labels: try CorrectnessSource(parsing: oodLabels).description, statements: testExamples.count,
                                 trainingStatements: trainingRows.count, unlabelled: unlabelled, layers: try entries(scores, test))
    }
}
