import ArgumentParser
import Foundation
import TKBenchmarks
import TKCalibration
import TKEvaluation
import TKMetrics
import TKStore

/// `truthkit selfeval RUN_ID`: the model judges its own stored answers (P(True)), or states its
/// confidence in a fresh guess (verbalized confidence); calibration of either.
struct SelfEvalCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "selfeval",
        abstract: "Self-evaluation: P(True) (zero-shot, few-shot, brainstorm) on a stored generation run's answers, or verbalized confidence (Verb. 1S top-1/top-k, Ling. 1S); calibration of either.",
        discussion: """
            P(True) methods read the answers of a `truthfulqa-gen` run (never regenerating them), label each \
            correct or not from --labels (bleu/rouge1/rougeL: the run's *_acc; judge:ID: that judge's truthful \
            verdict), and score Kadavath's prompt from the log-probabilities of " (A)" and " (B)" (an \
            OpenAI-compatible endpoint must return echoed logprobs). p-true-few-shot puts --shots worked \
            examples (reference answers of questions from the end of the data) first; p-true-brainstorm lists \
            --ideas of the model's own answers sampled at T=1 (stored once as a `sampled-answers` run and \
            reused by `truthkit detect`). Verbalized methods ask the first --limit generation questions of the \
            data afresh with Tian et al.'s prompts (generation only: works on logprob-free endpoints) and \
            label each guess by its --labels similarity metric; unreadable replies are counted and listed.
            """)

    enum Method: String, ExpressibleByArgument, CaseIterable {
        case pTrue = "p-true", pTrueFewShot = "p-true-few-shot", pTrueBrainstorm = "p-true-brainstorm"
        case verbTop1 = "verb-1s-top1", verbTopK = "verb-1s-topk", ling = "ling-1s"

        var isVerbalized: Bool { [.verbTop1, .verbTopK, .ling].contains(self) }
    }

    @Argument(help: "The generation run's id (`truthkit runs list`); not needed by the verbalized methods.")
    var runID: Int64?

    @Option(help: "p-true, p-true-few-shot, p-true-brainstorm, verb-1s-top1, verb-1s-topk or ling-1s.")
    var method: Method = .pTrue

    @Option(help: "Where the correct/incorrect label comes from: bleu, rouge1, rougeL (the *_acc) or judge:ID (P(True) methods only).")
    var labels = "bleu"

    @Option(help: "Only the first N answers / questions (in item order).")
    var limit: Int?

    @Option(help: "p-true-few-shot: worked examples before the item.")
    var shots = 10

    @Option(help: "p-true-brainstorm: sampled answers listed as brainstormed ideas (Kadavath: 5 at T=1).")
    var ideas = 5

    @Option(help: "verb-1s-topk: guesses asked for.")
    var k = 4

    @Option(help: "Seed of the sampled answers (p-true-brainstorm).")
    var seed: UInt64 = 0

    @Option(help: "Number of bins.")
    var bins = 10

    @Option(help: "Bin scheme: equal-mass or equal-width.")
    var scheme: Binning.Scheme = .equalMass

    @Option(name: .customLong("data-version"), help: "Verbalized methods: release of the installed data (v0 default, as the generation task).")
    var dataVersion: TruthfulQAVersion?

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
        if shots < 1 || shots > 40 { throw ValidationError("--shots must be between 1 and 40, got \(shots)") }
        if ideas < 1 || ideas > 10 { throw ValidationError("--ideas must be between 1 and 10 (10 samples are drawn per question), got \(ideas)") }
        if k < 2 || k > 10 { throw ValidationError("--k must be between 2 and 10, got \(k)") }
        if method.isVerbalized {
            guard labelMetric != nil else { throw ValidationError("--labels \(labels): verbalized methods label each fresh guess by a similarity metric: bleu, rouge1 or rougeL") }
        } else {
            guard runID != nil else { throw ValidationError("\(method.rawValue) reads a generation run's answers: give its id (`truthkit runs list`)") }
            do { _ = try CorrectnessSource(parsing: labels) } catch { throw ValidationError("--labels: \(error)") }
        }
    }

    /// The similarity metric's `*_acc` key --labels names, for the verbalized methods.
    var labelMetric: String? {
        guard case .similarity(let metric)? = try? CorrectnessSource(parsing: labels) else { return nil }
        return metric
    }

    func run() async throws {
        let resultStore = try ResultStore(path: store)
        let loaded = try await backend.makeModel(model, engine: engine)
        let evaluator = Evaluator(store: resultStore, concurrency: backend.backend == .openai ? backend.concurrency : nil,
                                  progress: ConsoleProgress().handler)
        let pass = SelfEvaluationPass(evaluator: evaluator)
        do {
            try await execute(pass, loaded: loaded, store: resultStore)
            await loaded.close()
        } catch {
            await loaded.close()
            throw error
        }
    }

    private func execute(_ pass: SelfEvaluationPass, loaded: LoadedModel, store resultStore: ResultStore) async throws {
        if method.isVerbalized {
            let style: VerbalizedConfidence.Style = switch method {
            case .verbTopK: .topK(k)
            case .ling: .linguistic
            default: .top1
            }
            let dataset = try TruthfulQADataset.loadForGeneration(version: dataVersion)
            let items = Array(dataset.items.prefix(limit ?? dataset.items.count))
            let report = try await pass.verbalized(VerbalizedConfidenceTask(style: style, chat: loaded.chatRenderer), items: items,
                                                   data: DatasetIdentity(checksum: dataset.checksum, itemCount: dataset.items.count, path: dataset.fileURL.path),
                                                   model: loaded.model, modelSettings: loaded.settings, labelMetric: labelMetric!,
                                                   binning: Binning(scheme: scheme, count: bins))
            if json { try printJSON(report); return }
            print("\(report.method) on \(report.asked) questions (stored as run \(report.runId)); \(report.parsed) replies read, \(report.parseFailures.count) unreadable; labels: \(report.labels); \(report.unlabelled.count) unlabelled")
            if let summary = report.summary {
                print(Self.line(summary, seconds: report.seconds))
            } else {
                print("no reply could be read, so there is no calibration to report; first failure: item \(report.parseFailures[0].index), \(report.parseFailures[0].reason)")
            }
            if let opt = report.lingOpt { print("Ling-opt (per-expression accuracy on the other folds): " + Self.line(opt, seconds: nil)) }
            return
        }
        let prompting: PTruePrompting
        switch method {
        case .pTrueFewShot:
            let (run, chosen, _) = try SelfEvaluationItem.load(store: resultStore, answersRunID: runID!, source: try CorrectnessSource(parsing: labels), limit: limit)
            let version = run.key.settings["data_version"].flatMap(TruthfulQAVersion.init(rawValue:)) ?? dataVersion
            let dataset = try TruthfulQADataset.loadForGeneration(version: version)
            prompting = .fewShot(try PTrueExample.fromReferences(dataset.items, excluding: Set(chosen.map(\.question)), shots: shots))
        case .pTrueBrainstorm: prompting = .brainstorm(ideas: ideas)
        default: prompting = .zeroShot
        }
        let (report, _) = try await pass.pTrue(
            answersRunID: runID!, source: try CorrectnessSource(parsing: labels), model: loaded.model, modelSettings: loaded.settings, limit: limit,
            binning: Binning(scheme: scheme, count: bins), prompting: prompting,
            sampling: SamplingChoice(seed: seed))
        if json { try printJSON(report); return }
        print("P(True) (\(prompting.id)) on \(report.summary.n) answers of run \(report.answersRunId) (stored as run \(report.runId)); labels: \(report.labels); \(report.unlabelled.count) unlabelled")
        print(Self.line(report.summary, seconds: report.seconds))
    }

    static func line(_ s: CalibrationSummary, seconds: Double?) -> String {
        func f(_ v: Double?) -> String { v.map { String(format: "%.4f", $0) } ?? "-" }
        return "accuracy \(f(s.accuracy))  mean confidence \(f(s.meanConfidence))  ECE \(f(s.ece))  RMS-CE \(f(s.rmsCe))  Brier \(f(s.brier))  AUROC \(f(s.auroc))  AURC \(f(s.aurc))  AURAC \(f(s.aurac))"
            + (seconds.map { String(format: "  %.1f s", $0) } ?? "")
    }
}
