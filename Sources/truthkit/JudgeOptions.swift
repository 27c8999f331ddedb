import ArgumentParser
import Foundation
import TKBackends
import TKBenchmarks
import TKEvalCore
import TKJudges

/// `--judge …`: which model judges generated answers for truthfulness and informativeness, and how.
struct JudgeOptions: ParsableArguments {
    enum Prompt: String, ExpressibleByArgument, CaseIterable {
        /// The TruthfulQA paper's judge prompt: few-shot `Q:/A:/True:` examples, P(" yes").
        case paper
        /// A rubric for chat models; the verdict is parsed from `Truthful: yes|no` lines.
        case rubric
    }

    @Option(name: .customLong("judge"), help: ArgumentHelp("Judge model: a GGUF name/path for the native engine, or with --judge-base-url the served model name.", valueName: "model"))
    var judgeModel: String?

    @Option(name: .customLong("judge-base-url"), help: ArgumentHelp("Judge through an OpenAI-compatible server at this base URL.", valueName: "url"))
    var judgeBaseURL: String?

    @Option(name: .customLong("judge-api-key"), help: ArgumentHelp("API key for the judge's server (default: $OPENAI_API_KEY).", valueName: "key"))
    var judgeAPIKey: String?

    @Option(name: .customLong("judge-prompt"), help: "Judge prompt family: paper (few-shot, P(yes) from log-probabilities) or rubric (verdict parsed from generated text).")
    var judgePrompt: Prompt = .paper

    @Option(name: .customLong("judge-shots"), help: "Paper judge: few-shot examples per prompt (drawn from other questions).")
    var judgeShots: Int = 6

    var isSet: Bool { judgeModel != nil }

    func validate() throws {
        if judgeBaseURL != nil && judgeModel == nil { throw ValidationError("--judge-base-url needs --judge with the served model name") }
        guard (0...20).contains(judgeShots) else { throw ValidationError("--judge-shots must be between 0 and 20") }
    }

    /// A loaded judge and how to close its model.
    struct Loaded {
        var judge: any Judge
        var close: @Sendable () async -> Void
    }

    /// Loads the judge model and builds the judge; `references` are the items the paper judge's
    /// few-shot examples come from (never the judged question itself).
    func load(threads: Int, references: [JudgeReference]) async throws -> Loaded {
        let (model, close) = try await loadModel(threads: threads)
        let judge: any Judge = switch judgePrompt {
        case .paper: try PaperJudge(model: model, references: references, shots: judgeShots)
        case .rubric: try RubricJudge(model: model, references: references)
        }
        return Loaded(judge: judge, close: close)
    }

    /// The judge's model alone (a GGUF for the native engine, or the served model), for the
    /// judges that are not truthfulness judges (`detect`'s entailment judge and SelfCheck checker).
    func loadModel(threads: Int) async throws -> (model: any LanguageModel, close: @Sendable () async -> Void) {
        guard let name = judgeModel else { throw ValidationError("no --judge given") }
        if let judgeBaseURL {
            guard let url = URL(string: judgeBaseURL), url.scheme != nil else {
                throw ValidationError("--judge-base-url '\(judgeBaseURL)' is not a URL")
            }
            let remote = try await OpenAIModel.connect(try OpenAIConfiguration.fromEnvironment(model: name, endpoints: [url], apiKey: judgeAPIKey))
            return (remote, { try? await remote.shutdown() })
        }
        var option = ModelOption()
        option.model = name
        let path = try await option.resolvedPath()
        printError("loading judge \(path)")
        return (try NativeModel.load(path: path, threads: threads), {})
    }
}

extension JudgeReference {
    init(_ item: TruthfulQAItem) {
        self.init(question: item.question, correctAnswers: item.correctAnswers, incorrectAnswers: item.incorrectAnswers)
    }
}
