import TKEngine
import TKEvalCore
import TKKernels
import TKTokenizer

/// The shared-prefix + branch-batch scoring scheme of `NativeModel`, on one session: the
/// continuations of a request are tokenized with their context, the common token prefix runs once
/// (its primer part is a checkpoint kept between requests but always computed on its own, so a
/// request's numbers never depend on the request before it), and all continuations run from that
/// state in branch batches.
///
/// What is computed from each predicting row is up to the caller (`evaluate`): log-probabilities of
/// the targets (the plain model), DoLa's layer contrast (with the rows' activations at recorded
/// hook points), or whole log-probability rows (contrastive decoding). The amateur of contrastive
/// decoding runs the same scheme on its own session.
final class PrefixScorer {
    let session: InferenceSession
    var hooks: Hooks
    var computedTokens = 0
    var fromScratchTokens = 0
    var maxBranchRows = 1024

    init(session: InferenceSession, hooks: Hooks) {
        self.session = session
        self.hooks = hooks
    }

    /// The tokens of one request and where each continuation starts.
    struct Plan {
        var sequences: [[Int32]]
        var starts: [Int]
        var shared: Int
        var checkpoint: Int
        /// The continuation tokens of sequence i.
        func continuation(_ i: Int) -> ArraySlice<Int32> { sequences[i][starts[i]...] }
    }

    func plan(context: String, continuations: [String], sharedPrefix: String) throws -> Plan {
        let tok = session.model.tokenizer
        let contextBytes = context.utf8.count
        // A chat template's own BOS text is context text (its bytes count), not an added token.
        let bosInText = tok.startsWithBOSText(context)
        var sequences: [[Int32]] = []
        var starts: [Int] = []
        for c in continuations {
            guard !c.isEmpty else {
                throw EngineError(.invalidRequest, "an empty continuation has no tokens to score; every choice needs text")
            }
            let text = context + c
            var ids = tok.encodePrompt(text)
            var addedBOS = !bosInText && tok.addsBOS && tok.bosID != nil && ids.first == tok.bosID
            if ids.isEmpty || (addedBOS && ids.count == 1) { throw EngineError(.invalidRequest, "continuation tokenizes to nothing") }
            // With no BOS and an empty context, the first token has nothing to be predicted from:
            // score it after the BOS/EOS token, as lm-evaluation-harness does.
            if context.isEmpty && !addedBOS, let bos = tok.bosID ?? tok.eosID {
                ids.insert(bos, at: 0)
                addedBOS = true
            }
            var start = TokenBoundary.firstContinuationToken(tokens: ids, contextBytes: contextBytes, textBytes: text.utf8.count,
                                                             tokenizer: tok, addedBOS: addedBOS)
            start = max(start, 1)  // token 0 has no prediction; it is always context
            guard start < ids.count else { throw EngineError(.invalidRequest, "continuation \(c.debugDescription) produced no tokens of its own") }
            sequences.append(ids)
            starts.append(start)
        }
        guard !sequences.isEmpty else { throw EngineError(.invalidRequest, "no continuations to score") }
        // Shared prefix: common to all sequences and entirely context.
        var shared = starts.min()!
        for s in sequences.dropFirst() {
            var i = 0
            while i < shared, s[i] == sequences[0][i] { i += 1 }
            shared = i
        }
        shared = max(shared, 1)
        let prefix = Array(sequences[0][..<shared])
        let checkpoint = min(shared - 1, TokenBoundary.firstContinuationToken(
            tokens: prefix, contextBytes: sharedPrefix.utf8.count, textBytes: context.utf8.count,
            tokenizer: tok, addedBOS: !bosInText && tok.addsBOS && tok.bosID != nil && prefix.first == tok.bosID))
        return Plan(sequences: sequences, starts: starts, shared: shared, checkpoint: checkpoint)
    }

    /// Computes, for every continuation, one `R` per continuation token (from the row predicting it).
    ///
    /// `evaluate(hidden, recorded, targets)` gets a forward pass's output rows, the same rows at
    /// each point of `recording`, and per row the tokens whose scores are wanted (empty for rows
    /// that predict no continuation token); it returns one `R` per row.
    func run<R>(_ plan: Plan, recording: [HookPoint] = [],
                evaluate: (FloatMatrix, [HookPoint: FloatMatrix], [[Int32]]) throws -> [R]) throws -> [[R]] {
        let sequences = plan.sequences, starts = plan.starts, shared = plan.shared, checkpoint = plan.checkpoint
        fromScratchTokens += sequences.reduce(0) { $0 + $1.count }
        let prefix = Array(sequences[0][..<shared])
        if session.reusablePrefix(of: prefix) >= checkpoint && checkpoint > 0 {
            session.truncate(to: checkpoint)
        } else {
            session.reset()
            if checkpoint > 0 {
                try session.forward(.sequence(Array(prefix[..<checkpoint]), startingAt: 0, outputs: .none), hooks: hooks)
                computedTokens += checkpoint
            }
        }
        let prefixBatch = Batch.sequence(Array(prefix[checkpoint...]), startingAt: checkpoint, outputs: .last)
        let (prefixHidden, prefixRecorded) = try forward(prefixBatch, recording: recording)
        computedTokens += shared - checkpoint
        // The prefix's last row predicts the token at `shared` of every sequence whose continuation
        // starts there. It is evaluated together with the first branch batch's rows (one pass over
        // the output head instead of two; `evaluate` treats every row on its own).
        let firstTargets = sequences.indices.filter { starts[$0] <= shared }.map { sequences[$0][shared] }
        var firstPrediction: R?

        var results = [[R]?](repeating: nil, count: sequences.count)
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
            var (hidden, recorded) = try forward(batch, recording: recording)
            computedTokens += batch.tokens.count
            // Row j of a branch predicts the branch's token j + 1 (sequence position shared + j + 1);
            // its last row predicts nothing.
            var targets: [[Int32]] = []
            for (g, b) in branches.enumerated() {
                for j in b.indices {
                    let p = shared + j + 1
                    targets.append(j + 1 < b.count && p >= starts[group[g]] ? [b[j + 1]] : [])
                }
            }
            let joinsPrefix = firstPrediction == nil
            if joinsPrefix {
                hidden = Self.stack(prefixHidden, hidden)
                recorded = recorded.reduce(into: [:]) { out, entry in out[entry.key] = Self.stack(prefixRecorded[entry.key]!, entry.value) }
                targets.insert(firstTargets, at: 0)
            }
            var rowValues = try evaluate(hidden, recorded, targets)
            if joinsPrefix { firstPrediction = rowValues.removeFirst() }
            for (g, i) in group.enumerated() {
                let seq = sequences[i]
                // Token at sequence position p (p ≥ shared) is predicted by the row before it.
                results[i] = (starts[i]..<seq.count).map { p in
                    p - 1 < shared ? firstPrediction! : rowValues[ranges[g].lowerBound + (p - 1 - shared)]
                }
            }
            session.truncate(to: shared)
        }
        return results.map { $0! }
    }

    /// The rows of `top` followed by those of `bottom`.
    static func stack(_ top: FloatMatrix, _ bottom: FloatMatrix) -> FloatMatrix {
        let out = FloatMatrix(rows: top.rows + bottom.rows, cols: top.cols)
        out.copyRows(from: top, 0..<top.rows, to: 0)
        out.copyRows(from: bottom, 0..<bottom.rows, to: top.rows)
        return out
    }

    /// A forward pass that also copies the output rows at `recording`'s points (after the
    /// intervention's own hooks there).
    func forward(_ batch: Batch, recording: [HookPoint]) throws -> (FloatMatrix, [HookPoint: FloatMatrix]) {
        guard !recording.isEmpty else { return (try session.forward(batch, hooks: hooks), [:]) }
        let recorder = OutputRowRecorder(points: recording, rows: batch.outputRows, dim: session.model.config.dim)
        var h = hooks
        recorder.install(into: &h)
        let hidden = try session.forward(batch, hooks: h)
        return (hidden, recorder.recorded)
    }
}

/// Copies the batch's output rows at chosen hook points during one forward pass.
final class OutputRowRecorder {
    let rows: [Int]
    private(set) var recorded: [HookPoint: FloatMatrix] = [:]
    let points: [HookPoint]

    init(points: [HookPoint], rows: [Int], dim: Int) {
        self.points = points
        self.rows = rows
        for p in points { recorded[p] = FloatMatrix(rows: rows.count, cols: dim) }
    }

    func install(into hooks: inout Hooks) {
        for p in points {
            hooks.add(at: p) { [unowned self] m, _ in
                guard let out = self.recorded[p] else { return }
                for (i, r) in self.rows.enumerated() { out.copyRows(from: m, r..<(r + 1), to: i) }
            }
        }
    }
}
