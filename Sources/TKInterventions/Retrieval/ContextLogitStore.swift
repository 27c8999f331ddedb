import Foundation

/// CAAD's memory: (context embedding, next-token logits) pairs read while the model was fed
/// truthful answers, and the retrieval that turns a new context into a logit bias.
///
/// An embedding is the final block's output (before the final norm) at the position that predicts
/// the next answer token, scaled to unit length; its logits are the model's logits there. For a
/// query context, the `top` stored contexts of highest cosine similarity are weighted by
/// softmax(similarity / temperature); neighbours whose weight falls below `threshold` are dropped
/// and the rest renormalised. The bias is Σ wᵢ·logitsᵢ.
public struct ContextLogitStore: Sendable, Codable, Equatable {
    /// The question each entry was read from (for checking that a fold's store holds none of the
    /// questions the fold is evaluated on).
    public var questions: [Int]
    /// Unit-length context embeddings, one per entry (`dim` values each).
    public var embeddings: [[Float]]
    /// The model's next-token logits at each entry's position (`vocab` values each).
    public var logits: [[Float]]

    public init(questions: [Int] = [], embeddings: [[Float]] = [], logits: [[Float]] = []) {
        self.questions = questions
        self.embeddings = embeddings
        self.logits = logits
    }

    public var count: Int { embeddings.count }

    /// Adds one entry; `hidden` is scaled to unit length here.
    public mutating func append(question: Int, hidden: [Float], logits row: [Float]) {
        questions.append(question)
        embeddings.append(Self.unit(hidden))
        logits.append(row)
    }

    static func unit(_ v: [Float]) -> [Float] {
        let norm = (v.reduce(0.0) { $0 + Double($1) * Double($1) }).squareRoot()
        guard norm > 0 else { return v }
        return v.map { Float(Double($0) / norm) }
    }

    /// The retrieved neighbours of a context and their weights (summing to 1), best first; empty
    /// when the store is empty.
    public func neighbours(of hidden: [Float], top: Int, temperature: Double, threshold: Double) -> [(entry: Int, weight: Double)] {
        guard !embeddings.isEmpty, top > 0 else { return [] }
        let q = Self.unit(hidden)
        let similarities = embeddings.map { e in zip(e, q).reduce(0.0) { $0 + Double($1.0) * Double($1.1) } }
        // Highest similarity first; the lower entry index first on ties (deterministic).
        let best = similarities.indices.sorted { similarities[$0] > similarities[$1] || (similarities[$0] == similarities[$1] && $0 < $1) }.prefix(top)
        let m = best.map { similarities[$0] }.max()!
        let raw = best.map { Foundation.exp((similarities[$0] - m) / temperature) }
        let total = raw.reduce(0, +)
        var kept = zip(best, raw).map { (entry: $0, weight: $1 / total) }.filter { $0.weight >= threshold }
        let keptTotal = kept.reduce(0) { $0 + $1.weight }
        for i in kept.indices { kept[i].weight /= keptTotal }
        return kept
    }

    /// Σ wᵢ·logitsᵢ over the neighbours of `hidden`; nil when nothing is retrieved.
    public func bias(for hidden: [Float], top: Int, temperature: Double, threshold: Double) -> [Double]? {
        let found = neighbours(of: hidden, top: top, temperature: temperature, threshold: threshold)
        guard let vocab = logits.first?.count, !found.isEmpty else { return nil }
        var out = [Double](repeating: 0, count: vocab)
        for (entry, w) in found {
            for (i, x) in logits[entry].enumerated() { out[i] += w * Double(x) }
        }
        return out
    }
}

extension ContextLogitStore {
    private enum CodingKeys: String, CodingKey { case questions, embeddings, logits }

    /// Logit rows are stored as base64 of their little-endian float32 bits: a store holds tens of
    /// vocabulary-sized rows, which as JSON numbers would be ten times larger and slow to read.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        questions = try c.decode([Int].self, forKey: .questions)
        embeddings = try c.decode([[Float]].self, forKey: .embeddings)
        logits = try c.decode([String].self, forKey: .logits).enumerated().map { i, text in
            guard let data = Data(base64Encoded: text), data.count % 4 == 0 else {
                throw ActivationFitError(.badFile, "CAAD store: logit row \(i) is not base64 float32 data; the file is damaged, so fit again")
            }
            let bytes = [UInt8](data)
            return stride(from: 0, to: bytes.count, by: 4).map { k in
                Float(bitPattern: UInt32(bytes[k]) | UInt32(bytes[k + 1]) << 8 | UInt32(bytes[k + 2]) << 16 | UInt32(bytes[k + 3]) << 24)
            }
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(questions, forKey: .questions)
        try c.encode(embeddings, forKey: .embeddings)
        try c.encode(logits.map { row in
            var bytes: [UInt8] = []
            bytes.reserveCapacity(row.count * 4)
            for x in row {
                let b = x.bitPattern
                bytes += [UInt8(b & 0xFF), UInt8(b >> 8 & 0xFF), UInt8(b >> 16 & 0xFF), UInt8(b >> 24)]
            }
            return Data(bytes).base64EncodedString()
        }, forKey: .logits)
    }
}
