import ArgumentParser
import Foundation
import TKCalibration
import TKConsole
import TKEvalCore
import TKEvaluation
import TKMetrics
import TKStore

/// `truthkit detect RUN_ID`: label-free hallucination detection on a stored generation run's
/// answers — semantic entropy or SelfCheck — and how well it separates wrong answers from right.
struct DetectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "detect",
        abstract: "Hallucination detection without labels on a stored generation run: semantic entropy, SelfCheck (prompt and unigram).",
        discussion: """
            The model (--model, or --backend openai) samples --samples answers per question at T=1 plus one at \
            T=0.1 with the answers run's own prompt, stored once as a `sampled-answers` run that every detector \
            (and `selfeval --method p-true-brainstorm`) reuses. semantic-entropy clusters the samples by \
            bidirectional entailment decided by an LLM judge (Farquhar et al.'s prompt; --judge names it, a GGUF \
            or with --judge-base-url a served model; default: the answering model itself) under both the strict \
            rule and Kuhn's no-contradiction rule, and reports discrete and length-normalised entropy (the \
            latter needs the samples' log-probabilities: --no-sample-logprobs for an endpoint without them). \
            selfcheck scores each answer sentence against each sample with SelfCheckGPT's prompt (same judge) \
            and with the unigram variant. Scores are stored per item; AUROC says how well each ranks wrong \
            answers above right ones by --labels (bleu, rouge1, rougeL or judge:ID). --judge-prompt and \
            --judge-shots do not apply here.
            """)

    @Argument(help: "The generation run's id (`truthkit runs list`).")
    var runID: Int64

    @Option(help: "semantic-entropy or selfcheck.")
    var method: SelfEvaluationPass.Detector = .semanticEntropy

    @Option(help: "Where the correct/incorrect label comes from: bleu, rouge1, rougeL (the run's *_acc) or judge:ID.")
    var labels = "bleu"

    @Option(help: "Only the first N answers (in item order).")
    var limit: Int?

    @Option(help: "Samples per question at --temperature (plus one at T=0.1).")
    var samples = 10

    @Option(help: "Temperature of the samples.")
    var temperature = 1.0

    @Option(help: "Seed of the samples.")
    var seed: UInt64 = 0

    @Flag(name: .customLong("no-sample-logprobs"), help: "Do not score the samples' log-probabilities (an endpoint without logprobs): only the discrete semantic entropy and SelfCheck run.")
    var noSampleLogprobs = false

    @Option(help: "Bootstrap resamples for the AUROC intervals.")
    var resamples = 1_000

    @OptionGroup var model: ModelOption
    @OptionGroup var engine: EngineOptions
    @OptionGroup var backend: BackendOptions
    @OptionGroup var judge: JudgeOptions

    @Option(help: "Run store (SQLite). Default: $TRUTHKIT_HOME/runs.sqlite.")
    var store: String?

    @Flag(help: "Print the report as JSON on stdout.")
    var json = false

    func validate() throws {
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1, got \(limit)") }
        if samples < 2 { throw ValidationError("--samples must be at least 2 (entropy over one sample is 0), got \(samples)") }
        if !(temperature > 0) { throw ValidationError("--temperature must be positive, got \(temperature)") }
        if resamples < 1 { throw ValidationError("--resamples must be at least 1, got \(resamples)") }
        do { _ = try CorrectnessSource(parsing: labels) } catch { throw ValidationError("--labels: \(error)") }
    }

    func run() async throws {
        let loaded = try await backend.makeModel(model, engine: engine)
        let judgeModel = judge.isSet ? try await judge.loadModel(threads: engine.threads) : (model: loaded.model, close: { @Sendable in })
        let evaluator = Evaluator(store: try ResultStore(path: store), concurrency: backend.backend == .openai ? backend.concurrency : nil,
                                  progress: ConsoleProgress().handler)
        let report: SelfEvaluationPass.DetectionReport
        do {
            report = try await SelfEvaluationPass(evaluator: evaluator).detect(
                method, answersRunID: runID, source: try CorrectnessSource(parsing: labels), sampler: loaded.model, samplerSettings: loaded.settings,
                judge: judgeModel.model, judgeSettings: judge.isSet ? ["judge": judge.judgeModel!] : loaded.settings, limit: limit,
                sampling: SamplingChoice(count: samples, temperature: temperature, seed: seed, scoreLogprobs: !noSampleLogprobs),
                bootstrap: Bootstrap(resamples: resamples))
        } catch {
            await judgeModel.close()
            await loaded.close()
            throw error
        }
        await judgeModel.close()
        await loaded.close()
        if json { try printJSON(report); return }
        print("\(report.method) on \(report.scores.first?.n ?? 0) answers of run \(report.answersRunId) (stored as run \(report.runId); samples run \(report.samplesRunId)); labels: \(report.labels); \(report.unlabelled.count) unlabelled; sampling \(String(format: "%.1f", report.samplesSeconds)) s, scoring \(String(format: "%.1f", report.seconds)) s")
        func f(_ v: Double?) -> String { v.map { String(format: "%.4f", $0) } ?? "-" }
        var table = TextTable(columns: [.init("SCORE"), .init("N", alignment: .right), .init("AUROC", alignment: .right),
                                        .init("95% INTERVAL", alignment: .right), .init("AURC", alignment: .right), .init("AURAC", alignment: .right)])
        for s in report.scores {
            table.addRow(s.score, String(s.n), f(s.auroc), "\(f(s.aurocLow))–\(f(s.aurocHigh))", f(s.aurc), f(s.aurac))
        }
        print(table.render())
    }
}

extension SelfEvaluationPass.Detector: ExpressibleByArgument {}
