/// One block of a model family: its own weights and the computation that updates the residual stream.
///
/// Each family (`Architectures/*.swift`) supplies its block type built from the shared operations
/// of `BlockStep` (norms, attention with the KV cache, gated feed-forward) and the kernels in
/// TKKernels; the session runs the blocks in order. Hook points mean the same in every family:
/// the block calls `step.attend(…)`, which runs the `blocks.L.attn.heads` hooks on each head's
/// output before the output projection, and the session runs `blocks.L.residual` after the block.
public protocol TransformerBlock: Sendable {
    /// Runs the block over the batch in `step.x` (`n × dim`) in place, appending the batch's keys
    /// and values to this layer's cache.
    func forward(_ step: BlockStep)

    /// A few of the block's weights (norms, first rows of projections) that identify it, hashed
    /// into the signature of a fitted intervention (ITI, steering) so it is only applied to the
    /// model it was fitted on.
    var identifyingValues: [[Float]] { get }
}
