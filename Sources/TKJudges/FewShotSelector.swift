import TKMetrics
import TKRandom

/// Picks a paper judge's few-shot examples for one aspect: a fixed, seeded choice that is the same
/// for every judged question except where an example comes from the judged question itself.
///
/// How: the candidates of each label are shuffled once with the seed, and the order of labels in
/// the prompt (half yes, half no, the extra one yes) is shuffled once too. For a judged question,
/// each slot takes the first candidate of its label whose question is neither the judged one nor
/// already used. A question that supplied no example therefore gets exactly the shared examples
/// (so the prompt prefix is shared and backends can cache it), and a question that did gets its
/// examples replaced by the next candidates of the same label, in the same slots.
struct FewShotSelector: Sendable {
    let labels: [Bool]
    let positives: [PaperJudgeExample]
    let negatives: [PaperJudgeExample]

    init(shots: Int, positives: [PaperJudgeExample], negatives: [PaperJudgeExample], seed: UInt64) {
        var generator = SplitMix64(seed: seed)
        var labels = Array(repeating: true, count: (shots + 1) / 2) + Array(repeating: false, count: shots / 2)
        generator.shuffle(&labels)
        self.labels = labels
        var p = positives, n = negatives
        generator.shuffle(&p)
        generator.shuffle(&n)
        self.positives = p
        self.negatives = n
    }

    /// The examples for a judged question (by `JudgeReference.key`), or nil when the pool runs out.
    func select(excluding excluded: String?) -> [PaperJudgeExample]? {
        var used = Set<String>()
        if let excluded { used.insert(excluded) }
        var next = (positive: 0, negative: 0)
        var chosen: [PaperJudgeExample] = []
        for label in labels {
            let pool = label ? positives : negatives
            var i = label ? next.positive : next.negative
            while i < pool.count && used.contains(JudgeReference.key(pool[i].question)) { i += 1 }
            guard i < pool.count else { return nil }
            chosen.append(pool[i])
            used.insert(JudgeReference.key(pool[i].question))
            if label { next.positive = i + 1 } else { next.negative = i + 1 }
        }
        return chosen
    }

    /// Whether every judged question can be given a full set: true when the shared set can be
    /// rebuilt without each of its own questions (any other exclusion leaves the shared set as is).
    var coversEveryQuestion: Bool {
        guard let shared = select(excluding: nil) else { return false }
        return shared.allSatisfy { select(excluding: JudgeReference.key($0.question)) != nil }
    }
}

