import Foundation
import TKEngine
import TKEvalCore
import TKInterventions
import TKKernels
import TKTokenizer

/// The native engine as a `LanguageModel`, computing every shared prefix once.
///
/// Scoring: the continuations of a request are tokenized with their context, the longest common
/// token prefix is run once (reusing whatever prefix is still cached from the previous request —
/// the few-shot primer is computed once per run), and all continuations are scored from that state
/// in one branch batch. The cache is then cut back to the shared prefix (see `PrefixScorer`).
///
/// Interventions: activation methods (ITI, steering) act through hooks on every forward pass.
/// Decoding methods bring their own `ScoringRule`: it names the activations to project through
/// the output head at each scored position (DoLa's premature layers, recorded during the same
/// branch batches) and the second models to score the same tokens with (the contrastive family's
/// amateurs, each running the same shared-prefix scheme on its own session), and turns those rows
/// into scores; this type computes what the rule asks for without knowing which method it is.
/// Generation uses the intervention's `LogitsProcessor`. The intervention is part of `identity`.
///
/// One `InferenceSession` serves requests one at a time (an actor serialises them); run several
/// `NativeModel`s for parallel sequences. The actor runs on its own engine thread
/// (`EngineExecutor`), so long forward passes never occupy Swift's cooperative pool.
public actor NativeModel: LanguageModel {
    /// Where this actor's work runs.
    nonisolated let executor = EngineExecutor(name: NativeModel.engineThreadName)
    public static let engineThreadName = "truthkit.engine"

    public nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }

    deinit { executor.stop() }

    /// The name of the thread this actor's work runs on (for checks and diagnostics).
    public func currentThreadName() -> String? { Thread.current.name }

    public nonisolated let identity: ModelIdentity
    public nonisolated let model: TransformerModel
    /// The intervention applied to every request, if any.
    public nonisolated let intervention: (any Intervention)?
    let session: InferenceSession
    let scorer: PrefixScorer
    /// Hooks applied to every forward pass (interventions).
    var hooks: Hooks { scorer.hooks }
    let rule: DecodingRule

    /// How the scores of a request are computed: the model's own log-probabilities, or a method's
    /// rule with its projected points and one scorer per second model.
    enum DecodingRule {
        case plain
        case rule(any ScoringRule, points: [ProjectedPoint], secondModels: [PrefixScorer])
    }

    /// Tokens actually run through the model (amateurs included), and what scoring every
    /// continuation from scratch (context + continuation each time) would have run.
    public var computedTokens: Int { scorer.computedTokens + amateurScorers.reduce(0) { $0 + $1.computedTokens } }
    public var fromScratchTokens: Int { scorer.fromScratchTokens }

    /// How often each projected layer was the rule's pick while scoring (DoLa's premature layers).
    public private(set) var prematureLayerCounts: [Int: Int] = [:]

    /// Largest number of branch rows run in one forward pass (bounds scratch memory).
    public var maxBranchRows: Int {
        get { scorer.maxBranchRows }
        set { scorer.maxBranchRows = newValue; for a in amateurScorers { a.maxBranchRows = newValue } }
    }

    var amateurScorers: [PrefixScorer] {
        if case .rule(_, _, let a) = rule { return a }
        return []
    }

    public init(model: TransformerModel, threads: Int = 2, fingerprint: String, hooks: Hooks = Hooks()) {
        self.model = model
        session = InferenceSession(model: model, threads: threads)
        scorer = PrefixScorer(session: session, hooks: hooks)
        intervention = nil
        rule = .plain
        identity = Self.identity(model: model, fingerprint: fingerprint, intervention: nil)
    }

    /// A model with `intervention` applied and the engine run with `options` (KV-cache format,
    /// early exit, layer skipping); both are checked against the model (layers, amateur
    /// vocabularies, ranges) here, before anything is scored.
    public init(model: TransformerModel, threads: Int = 2, fingerprint: String, intervention: (any Intervention)?,
                options: InferenceOptions = .standard) throws {
        self.model = model
        try options.validate(for: model.config)
        session = InferenceSession(model: model, threads: threads, options: options)
        self.intervention = intervention
        var hooks = Hooks()
        var rule = DecodingRule.plain
        if let intervention {
            try intervention.validate(for: model)
            hooks = try intervention.hooks(for: model)
            try hooks.validate(for: model.config)
            try options.validate(hooks: hooks, for: model.config)
            if let scoring = intervention.scoringRule {
                rule = .rule(scoring, points: try scoring.projectedPoints(for: model), secondModels: scoring.secondModels.map {
                    PrefixScorer(session: InferenceSession(model: $0.model(expert: model), threads: threads), hooks: Hooks())
                })
            }
        }
        scorer = PrefixScorer(session: session, hooks: hooks)
        self.rule = rule
        identity = Self.identity(model: model, fingerprint: fingerprint, intervention: intervention, options: options)
    }

    static func identity(model: TransformerModel, fingerprint: String, intervention: (any Intervention)?,
                         options: InferenceOptions = .standard) -> ModelIdentity {
        let name = model.gguf["general.name"]?.stringValue ?? URL(fileURLWithPath: model.path).lastPathComponent
        var details = [
            "path": model.path, "architecture": model.config.architecture,
            "file": URL(fileURLWithPath: model.path).lastPathComponent,
        ]
        var print = fingerprint
        if let intervention {
            print += "+" + intervention.summary
            details["intervention"] = intervention.name
            for (k, v) in intervention.settings { details["intervention." + k] = v }
        }
        // The standard engine adds nothing, so its runs keep the keys they always had.
        if !options.isStandard {
            print += "+" + options.summary
            for (k, v) in options.settings { details["engine." + k] = v }
        }
        return ModelIdentity(name: name, backend: "native", fingerprint: print, details: details)
    }

    /// Loads `path` and fingerprints it by the SHA-256 of the file (hashed once, see `ModelFingerprint`).
    public static func load(path: String, threads: Int = 2) throws -> NativeModel {
        let model = try TransformerModel(path: path)
        return NativeModel(model: model, threads: threads, fingerprint: try ModelFingerprint.of(path: path))
    }

    /// Loads `path` with an intervention built for it (`make` gets the loaded model).
    public static func load(path: String, threads: Int = 2, options: InferenceOptions = .standard,
                            intervention make: (TransformerModel) throws -> (any Intervention)?) throws -> NativeModel {
        let model = try TransformerModel(path: path)
        let intervention = try make(model)
        return try NativeModel(model: model, threads: threads, fingerprint: try ModelFingerprint.of(path: path), intervention: intervention,
                               options: options)
    }

    /// Loads `path` with the intervention `spec` describes (`dola:layers=high`, `cd:amateur=PATH`, …;
    /// see `MethodRegistry`). Bad specs fail here, before any scoring.
    public static func load(path: String, threads: Int = 2, intervention spec: InterventionSpec?,
                            options: InferenceOptions = .standard) throws -> NativeModel {
        guard let spec else {
            if options.isStandard { return try load(path: path, threads: threads) }
            return try load(path: path, threads: threads, options: options) { _ in nil }
        }
        try MethodRegistry.check(spec)
        return try load(path: path, threads: threads, options: options) { try MethodRegistry.make(spec, for: $0) }
    }

    public func resetCounters() {
        scorer.computedTokens = 0
        scorer.fromScratchTokens = 0
        for a in amateurScorers { a.computedTokens = 0; a.fromScratchTokens = 0 }
    }

    // MARK: Scoring

    public func score(_ requests: [ScoringRequest]) async throws -> [[ContinuationScore]] {
        var out: [[ContinuationScore]] = []
        out.reserveCapacity(requests.count)
        for r in requests {
            try Task.checkCancellation()
            out.append(try score(r))
        }
        return out
    }

    func score(_ request: ScoringRequest) throws -> [ContinuationScore] {
        guard !request.continuations.isEmpty else { return [] }
        let plan = try scorer.plan(context: request.context, continuations: request.continuations, sharedPrefix: request.sharedPrefix)
        // Per continuation, per token: (score, was it the rule's greedy choice).
        let perToken: [[(Double, Bool)]]
        switch rule {
        case .plain:
            let rows = try scorer.run(plan) { hidden, _, targets in
                try TokenScorer.scores(session: session, hidden: hidden, targets: targets)
            }
            perToken = zip(plan.sequences.indices, rows).map { i, predictors in
                zip(plan.continuation(i), predictors).map { t, p in (p.logProbability(of: t), p.argmax == t) }
            }
        case .rule(let scoring, let points, let second) where second.isEmpty:
            var chosen = prematureLayerCounts
            let rows = try scorer.run(plan, recording: points.compactMap(\.point)) { hidden, recorded, targets in
                try TokenScorer.ruleScores(session: session, hidden: hidden, recorded: recorded, targets: targets,
                                           rule: scoring, points: points, chosen: &chosen)
            }
            prematureLayerCounts = chosen
            perToken = zip(plan.sequences.indices, rows).map { i, predictors in
                zip(plan.continuation(i), predictors).map { t, p in (p.logProbability(of: t), p.argmax == t) }
            }
        case .rule(let scoring, let points, let second):
            perToken = try secondModelScores(request, plan: plan, rule: scoring, points: points, secondModels: second)
        }
        return perToken.enumerated().map { i, tokens in
            let lps = tokens.map(\.0)
            return ContinuationScore(logprob: lps.reduce(0, +), tokenCount: lps.count, isGreedy: tokens.allSatisfy(\.1),
                                     tokenLogprobs: request.wantsTokenDetail ? lps : nil,
                                     byteCount: request.continuations[i].utf8.count)
        }
    }

    /// The model's rows and each second model's rows for the same continuation tokens, combined
    /// by the rule. With projected points (LOL), the model and every second model record them and
    /// contribute their projected rows too.
    func secondModelScores(_ request: ScoringRequest, plan: PrefixScorer.Plan, rule: any ScoringRule, points: [ProjectedPoint],
                           secondModels: [PrefixScorer]) throws -> [[(Double, Bool)]] {
        let recording = points.compactMap(\.point)
        let expertRows = try scorer.run(plan, recording: recording) { hidden, recorded, targets in
            try TokenScorer.logProbRows(session: session, hidden: hidden, recorded: recorded, points: points, targets: targets)
        }
        var secondRows: [[[[[Float]]]]] = []  // [second model][continuation][token] → final row, then projected rows
        for (k, a) in rule.secondModels.enumerated() {
            let context = a.context(for: request.context)
            let rewrittenShared = a.context(for: request.sharedPrefix)
            let shared = context.hasPrefix(rewrittenShared) ? rewrittenShared : ""
            let secondPlan = try secondModels[k].plan(context: context, continuations: request.continuations, sharedPrefix: shared)
            for i in plan.sequences.indices where Array(secondPlan.continuation(i)) != Array(plan.continuation(i)) {
                throw InterventionError(.tokenMismatch, "\(intervention?.name ?? "the method"): the amateur \(a.label) splits continuation \(request.continuations[i].debugDescription) into tokens \(Array(secondPlan.continuation(i))) but the expert into \(Array(plan.continuation(i))); the contexts must end the same way (rewrite only the beginning of the prompt)")
            }
            let session = secondModels[k].session
            secondRows.append(try secondModels[k].run(secondPlan, recording: recording) { hidden, recorded, targets in
                try TokenScorer.logProbRows(session: session, hidden: hidden, recorded: recorded, points: points, targets: targets)
            })
        }
        return plan.sequences.indices.map { i in
            zip(plan.continuation(i), expertRows[i]).enumerated().map { j, pair in
                let (t, expert) = pair
                let score = rule.scoreRow(final: expert[0], projected: Array(expert.dropFirst()),
                                          second: secondRows.flatMap { $0[i][j] }, targets: [t])
                return (score.scores[t]!, score.greedy == t)
            }
        }
    }

    // MARK: Generation

    /// Activations of generated tokens' decode steps (`.int8` trades exactness for speed; scoring
    /// never uses it). Part of a generation run's settings, not of `identity`.
    public private(set) var generationActivations: ActivationPrecision = .float32

    public func setGenerationActivations(_ activations: ActivationPrecision) {
        generationActivations = activations
    }

    public func generate(_ request: TextGenerationRequest) async throws -> TextGeneration {
        let ids = model.tokenizer.encodePrompt(request.prompt)
        let processor = try intervention?.makeProcessor(model: model, session: session, promptText: request.prompt, promptTokens: ids)
        let result = try session.generate(GenerationRequest(
            prompt: ids, maxTokens: request.maxTokens,
            sampling: SamplingSettings(temperature: request.temperature, topP: request.topP, seed: request.seed),
            stopSequences: request.stop, activations: generationActivations), hooks: hooks, processor: processor)
        scorer.computedTokens += ids.count - result.reusedPromptTokens + result.tokens.count
        let reason: TextGeneration.FinishReason = switch result.finishReason {
        case .stop: .stop
        case .endOfGeneration: .endOfGeneration
        case .length: .length
        }
        return TextGeneration(text: result.text, finishReason: reason, tokenCount: result.tokens.count)
    }
}
