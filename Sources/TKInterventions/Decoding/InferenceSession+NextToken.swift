import TKEngine
import TKKernels

extension InferenceSession {
    /// The model's logits for the token after `sequence`, reusing whatever prefix of it the cache
    /// holds (each call usually adds one generated token to the last call's sequence). What a
    /// processor that follows the generation on a session of its own computes at each step.
    func nextTokenLogits(after sequence: [Int32], hooks: Hooks = Hooks()) throws -> [Float] {
        guard !sequence.isEmpty else { throw InterventionError(.badValue, "no tokens to continue; the prompt is empty") }
        // Keep at least the last token to recompute: its row is the prediction asked for.
        let reused = min(reusablePrefix(of: sequence), sequence.count - 1)
        truncate(to: reused)
        let hidden = try forward(.sequence(Array(sequence[reused...]), startingAt: reused, outputs: .last), hooks: hooks)
        return logits(fromHidden: hidden).row(0)
    }
}
