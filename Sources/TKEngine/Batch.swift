/// Tokens to run through the model in one forward pass.
///
/// Row i is token `tokens[i]` at absolute position `positions[i]` in segment `segments[i]`.
/// Every row sees the whole KV cache already in the session; among the batch rows, row t sees
/// row s when s ≤ t and both are in the same segment. One segment is an ordinary prompt; several
/// segments score several continuations of the cached context in one pass (then truncate the cache
/// back to the context).
public struct Batch: Sendable {
    public var tokens: [Int32]
    public var positions: [Int32]
    public var segments: [Int32]
    /// Rows whose final hidden state is returned (for logits).
    public var outputRows: [Int]

    public init(tokens: [Int32], positions: [Int32], segments: [Int32], outputRows: [Int]) {
        precondition(tokens.count == positions.count && tokens.count == segments.count, "batch arrays must have equal length")
        self.tokens = tokens
        self.positions = positions
        self.segments = segments
        self.outputRows = outputRows
    }

    public enum Outputs: Sendable { case none, last, all }

    /// A plain run of tokens continuing at `start`.
    public static func sequence(_ tokens: [Int32], startingAt start: Int, outputs: Outputs = .last) -> Batch {
        let rows: [Int] = switch outputs {
        case .none: []
        case .last: tokens.isEmpty ? [] : [tokens.count - 1]
        case .all: Array(tokens.indices)
        }
        return Batch(tokens: tokens, positions: (0..<tokens.count).map { Int32(start + $0) },
                     segments: Array(repeating: 0, count: tokens.count), outputRows: rows)
    }

    /// Several continuations of the context already cached (`start` tokens), one segment each.
    /// Returns the batch and, per continuation, the batch rows it occupies.
    public static func branches(_ continuations: [[Int32]], startingAt start: Int) -> (Batch, [Range<Int>]) {
        var tokens: [Int32] = [], positions: [Int32] = [], segments: [Int32] = [], ranges: [Range<Int>] = []
        for (i, c) in continuations.enumerated() {
            ranges.append(tokens.count..<(tokens.count + c.count))
            tokens += c
            positions += (0..<c.count).map { Int32(start + $0) }
            segments += Array(repeating: Int32(i), count: c.count)
        }
        return (Batch(tokens: tokens, positions: positions, segments: segments, outputRows: Array(tokens.indices)), ranges)
    }
}
