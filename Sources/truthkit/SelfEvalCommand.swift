import ArgumentParser
import Foundation
import TKCalibration
import TKEvaluation
import TKMetrics
import TKStore

/// `truthkit selfeval RUN_ID`: the model judges its own stored answers; calibration of that judgement.
struct SelfEvalCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "selfeval",
        abstract: "Self-evaluation of a stored generation run's answers: P(True) (Kadavath zero-shot) and its calibration.",
        discussion: """
            Reads the answers of a `truthfulqa-gen` run (never regenerates them), labels each correct or not \
            from --labels (bleu/rouge1/rougeL: the run's *_acc; judge:ID: that judge's truthful verdict), \
            asks the model P(True) with Kadavath's prompt, scored from the log-probabilities of " (A)" and \
            " (B)" (an OpenAI-compatible endpoint must return echoed logprobs), stores every item in a run of \
            its own and reports ECE, RMS-CE, Brier, AUROC, AURC, AURAC and reliability bins.
            """)

    @Argument(help: "The generation run's id (`truthkit runs list`).")
    var runID: Int64

    @Option(help: "Where the correct/incorrect label comes from: bleu, rouge1, rougeL (the run's *_acc) or judge:ID.")
    var labels = "bleu"

    @Option(help: "Only the first N answers (in item order).")
    var limit: Int?

    @Option(help: "Number of bins.")
    var bins = 10

    @Option(help: "Bin scheme: equal-mass or equal-width.")
    var scheme: Binning.Scheme = .equalMass

    @OptionGroup var model: ModelOption
    @OptionGroup var engine: EngineOptions
    @OptionGroup var backend: BackendOptions

    @Option(help: "Run store (SQLite). Default: $TRUTHKIT_HOME/runs.sqlite.")
    var store: String?

    @Flag(help: "Print the report as JSON on stdout.")
    var json = false

    func validate() throws {
        if bins < 1 { throw ValidationError("--bins must be at least 1, got \(bins)") }
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1, got \(limit)") }
        do { _ = try CorrectnessSource(parsing: labels) } catch { throw ValidationError("--labels: \(error)") }
    }

    func run() async throws {
        let source = try CorrectnessSource(parsing: labels)
        let resultStore = try ResultStore(path: store)
        let loaded = try await backend.makeModel(model, engine: engine)
        let evaluator = Evaluator(store: resultStore, concurrency: backend.backend == .openai ? backend.concurrency : nil,
                                  progress: ConsoleProgress().handler)
        let (report, _) = try await SelfEvaluationPass(evaluator: evaluator).pTrue(
            answersRunID: runID, source: source, model: loaded.model, modelSettings: loaded.settings, limit: limit,
            binning: Binning(scheme: scheme, count: bins))
        await loaded.close()
        if json { try printJSON(report); return }
        let s = report.summary
        func f(_ v: Double?) -> String { v.map { String(format: "%.4f", $0) } ?? "-" }
        print("P(True) on \(s.n) answers of run \(report.answersRunId) (stored as run \(report.runId)); labels: \(report.labels); \(report.unlabelled.count) unlabelled")
        print("accuracy \(f(s.accuracy))  mean P(True) \(f(s.meanConfidence))  ECE \(f(s.ece))  RMS-CE \(f(s.rmsCe))  Brier \(f(s.brier))  AUROC \(f(s.auroc))  AURC \(f(s.aurc))  AURAC \(f(s.aurac))  \(String(format: "%.1f s", report.seconds))")
    }
}
