import Foundation
import TKEngine
import TKEvalCore
import TKKernels
import TKTokenizer

/// The native engine as a `LanguageModel`, computing every shared prefix once.
///
/// Scoring: the continuations of a request are tokenized with their context, the longest common
/// token prefix is run once (reusing whatever prefix is still cached from the previous request —
/// the few-shot primer is computed once per run), and all continuations are scored from that state
/// in one branch batch. The cache is then cut back to the shared prefix.
///
/// One `InferenceSession` serves requests one at a time (an actor serialises them); run several
/// `NativeModel`s for parallel sequences.
public actor NativeModel: LanguageModel {
    public nonisolated let identity: ModelIdentity
    public nonisolated let model: TransformerModel
    let session: InferenceSession
    /// Hooks applied to every forward pass (interventions).
    var hooks: Hooks

    /// Tokens actually run through the model, and what scoring every continuation from scratch
    /// (context + continuation each time) would have run.
    public private(set) var computedTokens = 0
    public private(set) var fromScratchTokens = 0

    /// Largest number of branch rows run in one forward pass (bounds scratch memory).
    public var maxBranchRows = 1024

    public init(model: TransformerModel, threads: Int = 2, fingerprint: String, hooks: Hooks = Hooks()) {
        self.model = model
        session = InferenceSession(model: model, threads: threads)
        self.hooks = hooks
        let name = model.gguf["general.name"]?.stringValue ?? URL(fileURLWithPath: model.path).lastPathComponent
        identity = ModelIdentity(name: name, backend: "native", fingerprint: fingerprint, details: [
            "path": model.path, "architecture": model.config.architecture,
            "file": URL(fileURLWithPath: model.path).lastPathComponent,
        ])
    }

    /// Loads `path` and fingerprints it by the SHA-256 of the file.
    public static func load(path: String, threads: Int = 2) throws -> NativeModel {
        let model = try TransformerModel(path: path)
        let sha = try FileDigest.sha256(of: URL(fileURLWithPath: path)).hex
        return NativeModel(model: model, threads: threads, fingerprint: "sha256:" + sha)
    }

    public func resetCounters() {
        computedTokens = 0
        fromScratchTokens = 0
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
        let tok = model.tokenizer
        let contextBytes = request.context.utf8.count
        var sequences: [[Int32]] = []
        var starts: [Int] = []
        for c in request.continuations {
            guard !c.isEmpty else {
                throw EngineError(.invalidRequest, "an empty continuation has no tokens to score; every choice needs text")
            }
            let text = request.context + c
            var ids = tok.encode(text, addSpecial: true)
            var addedBOS = tok.addsBOS && tok.bosID != nil && ids.first == tok.bosID
            if ids.isEmpty || (addedBOS && ids.count == 1) { throw EngineError(.invalidRequest, "continuation tokenizes to nothing") }
            // With no BOS and an empty context, the first token has nothing to be predicted from:
            // score it after the BOS/EOS token, as lm-evaluation-harness does.
            if request.context.isEmpty && !addedBOS, let bos = tok.bosID ?? tok.eosID {
                ids.insert(bos, at: 0)
                addedBOS = true
            }
            var start = TokenBoundary.firstContinuationToken(tokens: ids, contextBytes: contextBytes, textBytes: text.utf8.count,
                                                             tokenizer: tok, addedBOS: addedBOS)
            start = max(start, 1)  // token 0 has no prediction; it is always context
            guard start < ids.count else { throw EngineError(.invalidRequest, "continuation \(c.debugDescription) produced no tokens of its own") }
            sequences.append(ids)
            starts.append(start)
            fromScratchTokens += ids.count
        }
        // Shared prefix: common to all sequences and entirely context.
        var shared = starts.min()!
        for s in sequences.dropFirst() {
            var i = 0
            while i < shared, s[i] == sequences[0][i] { i += 1 }
            shared = i
        }
        shared = max(shared, 1)
        let prefix = Array(sequences[0][..<shared])
        // The request's shared prefix (the primer) is a checkpoint: kept in the cache between
        // requests but always computed on its own, and nothing past it is reused, so the numbers
        // of a request never depend on the request before it.
        let checkpoint = min(shared - 1, TokenBoundary.firstContinuationToken(
            tokens: prefix, contextBytes: request.sharedPrefix.utf8.count, textBytes: request.context.utf8.count,
            tokenizer: tok, addedBOS: tok.addsBOS && tok.bosID != nil && prefix.first == tok.bosID))
        if session.reusablePrefix(of: prefix) >= checkpoint && checkpoint > 0 {
            session.truncate(to: checkpoint)
        } else {
            session.reset()
            if checkpoint > 0 {
                try session.forward(.sequence(Array(prefix[..<checkpoint]), startingAt: 0, outputs: .none), hooks: hooks)
                computedTokens += checkpoint
            }
        }
        let prefixHidden = try session.forward(.sequence(Array(prefix[checkpoint...]), startingAt: checkpoint, outputs: .last), hooks: hooks)
        computedTokens += shared - checkpoint
        let firstPrediction = TokenScorer.scores(session: session, hidden: prefixHidden, targets: [sequences.map { $0[shared] }])

        var results = [ContinuationScore?](repeating: nil, count: sequences.count)
        // Branch batches, bounded in rows.
        var index = 0
        while index < sequences.count {
            var group: [Int] = []
            var rows = 0
            while index < sequences.count, group.isEmpty || rows + sequences[index].count - shared <= maxBranchRows {
                group.append(index)
                rows += sequences[index].count - shared
                index += 1
            }
            let branches = group.map { Array(sequences[$0][shared...]) }
            let (batch, ranges) = Batch.branches(branches, startingAt: shared)
            let hidden = try session.forward(batch, hooks: hooks)
            computedTokens += batch.tokens.count
            // Row j of a branch predicts the branch's token j + 1; its last row predicts nothing.
            var targets: [[Int32]] = []
            for b in branches { targets += b.dropFirst().map { [$0] } + [[]] }
            let rowScores = TokenScorer.scores(session: session, hidden: hidden, targets: targets)
            for (g, i) in group.enumerated() {
                let seq = sequences[i]
                var lps: [Double] = []
                var greedy = true
                // Token at sequence position p (p ≥ shared) is predicted by the row before it.
                for p in starts[i]..<seq.count {
                    let predictor = p - 1 < shared ? firstPrediction[0] : rowScores[ranges[g].lowerBound + (p - 1 - shared)]
                    lps.append(predictor.logProbability(of: seq[p]))
                    greedy = greedy && predictor.argmax == seq[p]
                }
                results[i] = ContinuationScore(logprob: lps.reduce(0, +), tokenCount: lps.count, isGreedy: greedy,
                                               tokenLogprobs: request.wantsTokenDetail ? lps : nil,
                                               byteCount: request.continuations[i].utf8.count)
            }
            session.truncate(to: shared)
        }
        return results.map { $0! }
    }

    // MARK: Generation

    public func generate(_ request: TextGenerationRequest) async throws -> TextGeneration {
        let ids = model.tokenizer.encode(request.prompt, addSpecial: true)
        let result = try session.generate(GenerationRequest(
            prompt: ids, maxTokens: request.maxTokens,
            sampling: SamplingSettings(temperature: request.temperature, topP: request.topP, seed: request.seed),
            stopSequences: request.stop), hooks: hooks)
        computedTokens += ids.count - result.reusedPromptTokens + result.tokens.count
        let reason: TextGeneration.FinishReason = switch result.finishReason {
        case .stop: .stop
        case .endOfGeneration: .endOfGeneration
        case .length: .length
        }
        return TextGeneration(text: result.text, finishReason: reason, tokenCount: result.tokens.count)
    }
}
