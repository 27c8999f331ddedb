/// Activations at the last token of each `ProbeExample`, from `ActivationCollector`.
///
/// `heads[i]` is example i's attention-head output for every layer, flattened as
/// `layer · (heads·headDim) + head · headDim + j` (empty when heads were not collected);
/// `residuals[L][i]` is the residual stream after block L for example i.
public struct CollectedActivations: Sendable, Equatable {
    public var questionIndices: [Int]
    public var labels: [Bool]
    public var layers: Int
    public var heads: Int
    public var headDim: Int
    public var dim: Int
    public var headValues: [[Float]]
    public var residuals: [Int: [[Float]]]

    public init(questionIndices: [Int], labels: [Bool], layers: Int, heads: Int, headDim: Int, dim: Int,
                headValues: [[Float]], residuals: [Int: [[Float]]]) {
        self.questionIndices = questionIndices
        self.labels = labels
        self.layers = layers
        self.heads = heads
        self.headDim = headDim
        self.dim = dim
        self.headValues = headValues
        self.residuals = residuals
    }

    public var count: Int { labels.count }

    /// Example `example`'s output of head `head` in block `layer` (`headDim` values).
    public func head(example: Int, layer: Int, head: Int) -> ArraySlice<Float> {
        let start = (layer * heads + head) * headDim
        return headValues[example][start..<(start + headDim)]
    }

    /// Row indices of the examples whose question is in `questions`.
    public func rows(inQuestions questions: Set<Int>) -> [Int] {
        questionIndices.indices.filter { questions.contains(questionIndices[$0]) }
    }

    /// The examples at `rows`, in that order (e.g. the training statements of an
    /// out-of-distribution probe, without the questions it is tested on).
    public func subset(rows: [Int]) -> CollectedActivations {
        CollectedActivations(questionIndices: rows.map { questionIndices[$0] }, labels: rows.map { labels[$0] }, layers: layers, heads: heads,
                             headDim: headDim, dim: dim, headValues: headValues.isEmpty ? [] : rows.map { headValues[$0] },
                             residuals: residuals.mapValues { values in rows.map { values[$0] } })
    }
}
