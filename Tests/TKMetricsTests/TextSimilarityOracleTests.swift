import Foundation
import Testing
@testable import TKMetrics

/// BLEU, ROUGE and the paper's max/diff/acc against sacreBLEU 2.6.0 and rouge-score 0.1.2, as
/// called by lm-evaluation-harness. The fixture is written by `scripts/verify/text_similarity.py`
/// (real TruthfulQA answers from the v0 CSV, Spanish/Basque/Catalan/Galician answers, and edge
/// cases: empty strings, punctuation only, Unicode whitespace, decomposed accents, symbols).
struct TextSimilarityOracleTests {
    struct Pair: Decodable {
        var prediction: String
        var reference: String
        var note: String
        var bleu: Double
        var rouge1: Double
        var rouge2: Double
        var rougeLsum: Double
    }

    struct Item: Decodable {
        var note: String
        var answer: String
        var correct_answers: [String]
        var incorrect_answers: [String]
        var true_references: [String]
        var false_references: [String]
        var expected: [String: Double]
    }

    struct Oracle: Decodable {
        var pairs: [Pair]
        var items: [Item]
    }

    static let fixtureURL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()
        .appendingPathComponent("Fixtures/text_similarity_oracle.json")

    static func oracle() throws -> Oracle {
        try JSONDecoder().decode(Oracle.self, from: Data(contentsOf: fixtureURL))
    }

    @Test func bleuAndROUGEMatchTheReferencePackagesPairByPair() throws {
        let oracle = try Self.oracle()
        #expect(oracle.pairs.count >= 60)
        var dump: [[String: Double]] = []
        var worst = 0.0
        for pair in oracle.pairs {
            let bleu = BLEU.score(hypothesis: pair.prediction, reference: pair.reference)
            let rouge = ROUGE.score(reference: pair.reference, prediction: pair.prediction)
            for (name, got, want) in [("bleu", bleu, pair.bleu), ("rouge1", rouge.rouge1, pair.rouge1),
                                      ("rouge2", rouge.rouge2, pair.rouge2), ("rougeLsum", rouge.rougeLsum, pair.rougeLsum)] {
                worst = max(worst, abs(got - want))
                #expect(abs(got - want) <= 1e-6, "\(name) for \(pair.note): Swift \(got), oracle \(want)")
            }
            dump.append(["bleu": bleu, "rouge1": rouge.rouge1, "rouge2": rouge.rouge2, "rougeLsum": rouge.rougeLsum])
        }
        // The fixture must exercise both metrics away from their trivial values.
        #expect(oracle.pairs.contains { $0.bleu > 1 && $0.bleu < 99 })
        #expect(oracle.pairs.contains { $0.rougeLsum > 1 && $0.rougeLsum < 99 && $0.rougeLsum != $0.rouge1 })
        // `TRUTHKIT_TEXTSIM_DUMP=FILE` writes the Swift numbers for `text_similarity.py --check-swift FILE`.
        if let path = ProcessInfo.processInfo.environment["TRUTHKIT_TEXTSIM_DUMP"] {
            let data = try JSONSerialization.data(withJSONObject: ["pairs": dump, "max_abs_delta": [worst]])
            try data.write(to: URL(fileURLWithPath: path))
        }
    }

    @Test func compareMatchesProcessResultsGen() throws {
        let oracle = try Self.oracle()
        #expect(oracle.items.count >= 20)
        for item in oracle.items {
            let references = try SimilarityReferences(correct: item.correct_answers, incorrect: item.incorrect_answers)
            #expect(references.trueReferences == item.true_references, "\(item.note)")
            #expect(references.falseReferences == item.false_references, "\(item.note)")
            let comparisons = ReferenceSimilarity.compare(answer: item.answer, references: references)
            #expect(comparisons.count == SimilarityMetric.allCases.count)
            for metric in SimilarityMetric.allCases {
                let comparison = try #require(comparisons[metric])
                let context = "\(metric) for \(item.note), answer \(item.answer.debugDescription)"
                #expect(abs(comparison.max - item.expected[metric.maxKey, default: .nan]) <= 1e-6, "\(context)")
                #expect(abs(comparison.diff - item.expected[metric.diffKey, default: .nan]) <= 1e-6, "\(context)")
                #expect(abs(comparison.falseMax - item.expected[metric.rawValue + "_false_max", default: .nan]) <= 1e-6, "\(context)")
                #expect((comparison.acc ? 1.0 : 0.0) == item.expected[metric.accKey], "\(context)")
            }
            let values = ReferenceSimilarity.reportValues(comparisons)
            #expect(values["bleu_acc"] == item.expected["bleu_acc"])
            #expect(abs(values["rougeL_max", default: .nan] - item.expected["rougeL_max", default: .nan]) <= 1e-6)
        }
        // Both outcomes of acc occur, so the comparison cannot pass by always answering one way.
        #expect(oracle.items.contains { $0.expected["rouge1_acc"] == 1 })
        #expect(oracle.items.contains { $0.expected["rouge1_acc"] == 0 })
    }
}
