import Foundation
import TKEngine
import TKKernels

/// How much an intervention changes the model where it should not matter, and what it costs.
///
/// - `klDivergence`: on a neutral text, the mean over positions of KL(P_intervened ‖ P_base)
///   between next-token distributions (teacher-forced: both read the text's own tokens). The
///   direction keeps plausibility filters finite: tokens the intervention excludes (probability 0)
///   add nothing, whereas KL(P_base ‖ P_intervened) would be infinite. For decoding methods the
///   intervened distribution is exactly what generation samples from at temperature 1, including
///   any repetition penalty (set `penalty=1` to leave it out).
/// - `throughput`: greedy generation tokens/s with and without the intervention.
public enum Invasiveness {
    /// Next-token log-probability rows for every position of `tokens` (row r predicts token r+1),
    /// with `intervention`'s hooks and generation step when given, else of the plain model.
    public static func nextTokenLogProbs(model: TransformerModel, intervention: (any Intervention)?, tokens: [Int32],
                                         text: String? = nil, threads: Int = 2) throws -> [[Float]] {
        guard !tokens.isEmpty else { throw InterventionError(.badValue, "the neutral text tokenizes to nothing; give some text") }
        let session = InferenceSession(model: model, threads: threads)
        var hooks = try intervention?.hooks(for: model) ?? Hooks()
        let processor = try intervention?.makeProcessor(model: model, session: session, promptText: text.map { _ in
            model.tokenizer.decode(Array(tokens.prefix(1)))
        }, promptTokens: Array(tokens.prefix(1)))
        // Ensemble methods draw their answers to the one-token prompt, as long as the text.
        try processor?.prepare(request: GenerationRequest(prompt: Array(tokens.prefix(1)), maxTokens: tokens.count), session: session,
                               hooks: hooks)
        session.reset()
        let recorder = ActivationRecorder(points: processor?.recordedPoints ?? [])
        recorder.install(into: &hooks)
        let hidden = try session.forward(.sequence(tokens, startingAt: 0, outputs: .all), hooks: hooks)
        var rows: [[Float]] = []
        rows.reserveCapacity(tokens.count)
        try session.forEachLogitChunk(hidden) { logits, _, start in
            for r in 0..<logits.rows {
                let row = logits.row(r)
                if let processor {
                    let position = start + r
                    var activations: [HookPoint: [Float]] = [:]
                    for p in processor.recordedPoints { activations[p] = recorder.recorded[p]?[position] }
                    let scores = try processor.process(logits: row, activations: activations, tokens: Array(tokens[...position]))
                    rows.append(NextTokenMath.logSoftmax(scores))
                } else {
                    rows.append(NextTokenMath.logSoftmax(row))
                }
            }
        }
        return rows
    }

    /// Mean KL(intervened ‖ base) over rows of log-probabilities (see the type's comment).
    public static func klDivergence(base: [[Float]], intervened: [[Float]]) -> Double {
        precondition(base.count == intervened.count && !base.isEmpty, "one intervened row per base row")
        return zip(intervened, base).reduce(0.0) { $0 + NextTokenMath.klDivergence($1.0, $1.1) } / Double(base.count)
    }

    /// Mean KL(P_intervened ‖ P_base) of next-token distributions over the tokens of `text`.
    public static func klDivergence(base model: TransformerModel, intervened intervention: any Intervention, text: String,
                                    threads: Int = 2) throws -> Double {
        try intervention.validate(for: model)
        let tokens = model.tokenizer.encode(text, addSpecial: true)
        let base = try nextTokenLogProbs(model: model, intervention: nil, tokens: tokens, threads: threads)
        let intervened = try nextTokenLogProbs(model: model, intervention: intervention, tokens: tokens, text: text, threads: threads)
        return klDivergence(base: base, intervened: intervened)
    }

    /// Generation speed with and without an intervention.
    public struct Overhead: Sendable, Equatable, Codable {
        public var baseTokensPerSecond: Double
        public var intervenedTokensPerSecond: Double
        /// Intervened time per token over base time per token (1 = free, 2 = twice as slow).
        public var slowdown: Double { baseTokensPerSecond / intervenedTokensPerSecond }
    }

    /// Greedy generation of `tokens` tokens after `prompt`, timed with and without `intervention`
    /// (each from an empty cache; tokens/s counts generated tokens over the whole call).
    public static func throughput(model: TransformerModel, intervention: any Intervention, prompt: String, tokens: Int = 32,
                                  threads: Int = 2) throws -> Overhead {
        try intervention.validate(for: model)
        let ids = model.tokenizer.encode(prompt, addSpecial: true)
        func run(_ intervention: (any Intervention)?) throws -> Double {
            let session = InferenceSession(model: model, threads: threads)
            let hooks = try intervention?.hooks(for: model) ?? Hooks()
            let processor = try intervention?.makeProcessor(model: model, session: session, promptText: prompt, promptTokens: ids)
            let clock = ContinuousClock()
            var generated = 0
            let elapsed = try clock.measure {
                generated = try session.generate(GenerationRequest(prompt: ids, maxTokens: tokens), hooks: hooks, processor: processor).tokens.count
            }
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
            return Double(max(generated, 1)) / max(seconds, 1e-9)
        }
        return Overhead(baseTokensPerSecond: try run(nil), intervenedTokensPerSecond: try run(intervention))
    }
}
