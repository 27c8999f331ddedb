import TKBenchmarks
import TKMetrics

/// Where a generated answer's "correct" label comes from. Every self-evaluation report names it:
/// a calibration number means nothing without knowing what "correct" was.
public enum CorrectnessSource: Sendable, Equatable, CustomStringConvertible {
    /// A similarity metric's `*_acc` (the answer is closer to a true reference than to any false
    /// one), e.g. `bleu_acc`, `rougeL_acc`, as the generation run stored it.
    case similarity(metric: String)
    /// A judge's truthful verdict, by the judge's id in the run's `judgements`.
    case judge(id: String)

    /// Parses `bleu`, `rouge1`, `rougeL` (their `_acc`) or `judge:ID`.
    public init(parsing text: String) throws {
        if text.hasPrefix("judge:") {
            self = .judge(id: String(text.dropFirst("judge:".count)))
            return
        }
        let known = [SimilarityMetric.bleu, .rouge1, .rougeL]
        guard let metric = known.first(where: { $0.rawValue == text || $0.accKey == text }) else {
            throw EvaluationError("unknown correctness source '\(text)'; use bleu, rouge1, rougeL (their *_acc), or judge:ID with a judge id from the answers run")
        }
        self = .similarity(metric: metric.accKey)
    }

    public var description: String {
        switch self {
        case .similarity(let metric): metric
        case .judge(let id): "judge \(id) (truthful)"
        }
    }

    /// The label of one stored answer; nil when the source has no verdict for it (a judge that
    /// could not read it), so the item is left out and counted, never guessed.
    public func label(of result: GenerationItemResult) -> Bool? {
        switch self {
        case .similarity(let metric): result.metrics[metric].map { $0 == 1 }
        case .judge(let id): result.judgements[id]?.truthful
        }
    }
}
