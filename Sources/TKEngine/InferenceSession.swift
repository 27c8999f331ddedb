import TKKernels

/// One sequence being run: its KV cache, scratch buffers and thread settings.
///
/// Not thread-safe — a session serves one sequence at a time; run several sessions over the same
/// `TransformerModel` for concurrency. Buffers grow to the largest batch seen and are reused.
public final class InferenceSession {
    public let model: TransformerModel
    public let compute: ComputeContext
    /// KV-cache format and the blocks that run (`InferenceOptions`); `.standard` by default.
    public let options: InferenceOptions
    /// The blocks a forward pass runs, in order (every block unless `options` exit early or skip).
    let layersRun: [Int]
    /// Number of positions in the KV cache.
    public internal(set) var length: Int = 0
    /// Token ids whose keys/values fill cache rows `0..<length` (for reusing a shared prefix).
    public internal(set) var cachedTokens: [Int32] = []

    // KV cache, per layer: `length × kvDim`, grown on demand up to the context length.
    var keys: [FloatMatrix]
    var values: [FloatMatrix]
    // Scratch, `n × width` for a batch of n rows.
    let x: FloatMatrix, normed: FloatMatrix, q: FloatMatrix, k: FloatMatrix, v: FloatMatrix
    let heads: FloatMatrix, projected: FloatMatrix, gate: FloatMatrix, up: FloatMatrix
    /// Scratch a family's block asks for by name (`BlockStep.scratch`), created on first use.
    private var namedScratch: [String: FloatMatrix] = [:]

    /// Precondition: `options` passed `InferenceOptions.validate(for:)` for this model.
    public init(model: TransformerModel, threads: Int = 2, options: InferenceOptions = .standard) {
        self.model = model
        self.options = options
        layersRun = options.layersRun(of: model.config.layers)
        precondition(!layersRun.isEmpty, "InferenceOptions must leave a block to run (validate them first)")
        compute = ComputeContext(threads: threads)
        let c = model.config
        keys = (0..<c.layers).map { _ in FloatMatrix(rows: 0, cols: c.kvDim, capacityRows: 64) }
        values = (0..<c.layers).map { _ in FloatMatrix(rows: 0, cols: c.kvDim, capacityRows: 64) }
        x = FloatMatrix(rows: 0, cols: c.dim)
        normed = FloatMatrix(rows: 0, cols: c.dim)
        q = FloatMatrix(rows: 0, cols: c.qDim)
        k = FloatMatrix(rows: 0, cols: c.kvDim)
        v = FloatMatrix(rows: 0, cols: c.kvDim)
        heads = FloatMatrix(rows: 0, cols: c.qDim)
        projected = FloatMatrix(rows: 0, cols: c.dim)
        gate = FloatMatrix(rows: 0, cols: c.hiddenDim)
        up = FloatMatrix(rows: 0, cols: c.hiddenDim)
    }

    /// The scratch matrix called `name`, `cols` wide, sized to the current batch's rows.
    func scratch(_ name: String, cols: Int) -> FloatMatrix {
        let m: FloatMatrix
        if let existing = namedScratch[name], existing.cols == cols {
            m = existing
        } else {
            m = FloatMatrix(rows: 0, cols: cols)
            namedScratch[name] = m
        }
        m.resize(rows: x.rows)
        return m
    }

    /// Drops cache positions from `newLength` on (e.g. after scoring continuations of a context).
    public func truncate(to newLength: Int) {
        precondition(newLength >= 0 && newLength <= length, "cannot truncate to \(newLength), cache holds \(length)")
        length = newLength
        cachedTokens.removeSubrange(newLength...)
        for l in 0..<keys.count {
            keys[l].resize(rows: newLength)
            values[l].resize(rows: newLength)
        }
    }

    /// Empties the cache.
    public func reset() { truncate(to: 0) }

    /// Length of the longest common prefix between the cache and `tokens` — what need not be recomputed.
    public func reusablePrefix(of tokens: [Int32]) -> Int {
        var i = 0
        while i < min(tokens.count, cachedTokens.count), tokens[i] == cachedTokens[i] { i += 1 }
        return i
    }
}
