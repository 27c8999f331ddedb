/// A step between the model's next-token logits and the sampler: decoding-time interventions
/// (DoLa, contrastive decoding) turn the logits of the last position, and any activations of that
/// position they ask for, into the scores the sampler draws from.
///
/// A class protocol because processors keep state across steps (an amateur model's cache, the
/// tokens seen so far for a repetition penalty). One processor serves one generation.
public protocol LogitsProcessor: AnyObject {
    /// Activation points whose value at the last row of every forward pass `process` needs
    /// (DoLa: the residual stream of its candidate layers). Empty for most processors.
    var recordedPoints: [HookPoint] { get }

    /// Scores for the token that follows `tokens` (prompt plus everything generated so far).
    ///
    /// - Parameters:
    ///   - logits: the model's unmodified logits for that position (`vocab` values).
    ///   - activations: the last row at each of `recordedPoints`.
    ///   - tokens: the sequence whose next token is being chosen.
    /// - Returns: `vocab` scores; softmax of them is the distribution sampled from (at temperature 1).
    ///   `-infinity` excludes a token.
    func process(logits: [Float], activations: [HookPoint: [Float]], tokens: [Int32]) throws -> [Float]

    /// Called once by `StepDecoder` before the first step, with the request being decoded and its
    /// session: ensemble methods (self-consistency, integrative decoding) draw their sampled
    /// answers here, with the request's stop sequences and length. The session must be left
    /// holding the prompt's cache (its length back at most at `request.prompt.count`).
    func prepare(request: GenerationRequest, session: InferenceSession, hooks: Hooks) throws
}

extension LogitsProcessor {
    /// Most processors need nothing of the request before the first step.
    public func prepare(request: GenerationRequest, session: InferenceSession, hooks: Hooks) throws {}
}

/// Copies the last row at chosen hook points during each forward pass (what `LogitsProcessor`
/// needs of a generation step, without keeping the whole prompt's activations).
public final class LastRowRecorder {
    public let points: [HookPoint]
    public private(set) var rows: [HookPoint: [Float]] = [:]

    public init(points: [HookPoint]) { self.points = points }

    /// Adds the recording functions to `hooks`, after whatever is there (so edits made by other
    /// hooks at the same point are seen).
    public func install(into hooks: inout Hooks) {
        for p in points {
            hooks.add(at: p) { [unowned self] m, _ in
                if m.rows > 0 { self.rows[p] = m.row(m.rows - 1) }
            }
        }
    }
}
