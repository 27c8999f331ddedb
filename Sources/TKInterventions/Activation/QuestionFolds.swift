import TKRandom

/// Assignment of questions to cross-validation folds, and the split of a fold's training questions
/// into probe-training and probe-validation questions.
///
/// Everything is split by *question*, never by answer: the true and false answers of one question
/// share almost all of their activations, so an answer-level split would let a probe see the test
/// question through its siblings. Question indices are shuffled with a seed (TKRandom's `SplitMix64`) and
/// dealt into `count` folds of near-equal size (the reference's `np.array_split` of a permutation).
///
/// Fold f's fit is trained on every question *not* in fold f and is only ever evaluated on the
/// questions in fold f (`heldOut(fold:)`).
public struct QuestionFolds: Sendable, Codable, Equatable {
    /// Number of folds (≥ 2).
    public let count: Int
    public let seed: UInt64
    /// Fold of every question index.
    public let assignment: [Int: Int]

    /// - Throws: `ActivationFitError` for fewer than 2 folds, duplicate indices, or fewer questions than folds.
    public init(questions: [Int], count: Int, seed: UInt64) throws {
        guard count >= 2 else {
            throw ActivationFitError(.invalidInput, "cross-validation needs at least 2 folds, got \(count); a held-out score needs questions the fit never saw")
        }
        let unique = Array(Set(questions)).sorted()
        guard unique.count == questions.count else {
            throw ActivationFitError(.invalidInput, "question indices must be unique; \(questions.count - unique.count) are repeated")
        }
        guard unique.count >= count else {
            throw ActivationFitError(.insufficientData, "\(unique.count) questions cannot fill \(count) folds; use more questions or fewer folds")
        }
        var generator = SplitMix64(seed: seed)
        let order = generator.shuffled(unique)
        var assignment: [Int: Int] = [:]
        // Contiguous, near-equal chunks of the permutation (the first `n % count` folds get one more).
        let base = order.count / count, extra = order.count % count
        var start = 0
        for f in 0..<count {
            let size = base + (f < extra ? 1 : 0)
            for q in order[start..<(start + size)] { assignment[q] = f }
            start += size
        }
        self.count = count
        self.seed = seed
        self.assignment = assignment
    }

    /// Restores a stored assignment, checking it is a real partition into `count` folds.
    public init(count: Int, seed: UInt64, assignment: [Int: Int]) throws {
        guard count >= 2 else { throw ActivationFitError(.badFile, "a fold split needs at least 2 folds, the file says \(count)") }
        for (q, f) in assignment where !(0..<count).contains(f) {
            throw ActivationFitError(.badFile, "question \(q) is assigned to fold \(f), but there are only folds 0..<\(count)")
        }
        self.count = count
        self.seed = seed
        self.assignment = assignment
    }

    /// All question indices, ascending.
    public var questions: [Int] { assignment.keys.sorted() }

    /// Questions fold `fold`'s fit must never see: the ones it is evaluated on.
    public func heldOut(fold: Int) -> [Int] { assignment.filter { $0.value == fold }.map(\.key).sorted() }

    /// Questions fold `fold`'s fit is trained on (every other fold).
    public func training(fold: Int) -> [Int] { assignment.filter { $0.value != fold }.map(\.key).sorted() }

    /// Splits fold `fold`'s training questions into probe-training and probe-validation questions
    /// (`validationFraction` of them, at least one of each when there are two or more), seeded by
    /// the fold seed and the fold number so each fold's split is reproducible on its own.
    public func probeSplit(fold: Int, validationFraction: Double) -> (train: [Int], validation: [Int]) {
        let training = training(fold: fold)
        var generator = SplitMix64(seed: seed &+ 0x5851_F42D_4C95_7F2D &* UInt64(fold + 1))  // wrapping mix of seed and fold
        let order = generator.shuffled(training)
        var validationCount = Int((Double(order.count) * validationFraction).rounded())
        if order.count >= 2 { validationCount = min(max(validationCount, 1), order.count - 1) } else { validationCount = 0 }
        let validation = Array(order.prefix(validationCount)).sorted()
        let train = Array(order.dropFirst(validationCount)).sorted()
        return (train, validation)
    }

    private enum CodingKeys: String, CodingKey { case count, seed, assignment }

    /// Stored as a list of `{question, fold}` pairs in question order (JSON objects cannot have integer keys).
    private struct Entry: Codable { var question: Int; var fold: Int }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let entries = try c.decode([Entry].self, forKey: .assignment)
        var assignment: [Int: Int] = [:]
        for e in entries {
            guard assignment[e.question] == nil else { throw ActivationFitError(.badFile, "question \(e.question) appears twice in the fold assignment") }
            assignment[e.question] = e.fold
        }
        try self.init(count: try c.decode(Int.self, forKey: .count), seed: try c.decode(UInt64.self, forKey: .seed), assignment: assignment)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(count, forKey: .count)
        try c.encode(seed, forKey: .seed)
        try c.encode(questions.map { Entry(question: $0, fold: assignment[$0]!) }, forKey: .assignment)
    }
}
