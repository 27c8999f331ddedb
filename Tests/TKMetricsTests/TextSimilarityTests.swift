import Foundation
import Testing
@testable import TKMetrics

/// Hand-worked BLEU, ROUGE and max/diff/acc cases; the arithmetic is in the comments.
struct TextSimilarityTests {
    private func close(_ a: Double, _ b: Double, _ tolerance: Double = 1e-9) -> Bool { abs(a - b) <= tolerance }

    private func bleuTokens(_ text: String) -> [String] {
        InternationalTokenizer.tokens(text).map { String(String.UnicodeScalarView($0)) }
    }

    // MARK: Tokenizers

    @Test func internationalTokenizerSplitsPunctuationAndSymbolsButNotNumbers() {
        #expect(bleuTokens("Hello, world!") == ["Hello", ",", "world", "!"])
        // A dot between digits stays; a number's final dot stays too (mteval-v14 quirk kept by sacreBLEU).
        #expect(bleuTokens("Pi is 3.14 and he was born in 1961.") == ["Pi", "is", "3.14", "and", "he", "was", "born", "in", "1961."])
        // …unless whitespace follows, which sacreBLEU strips first: same tokens with a trailing space.
        #expect(bleuTokens("born in 1961.  ") == ["born", "in", "1961."])
        // "$" is a symbol (Sc) and always split; "%" is punctuation (Po), kept after a digit at the end.
        #expect(bleuTokens("$100 costs 50%") == ["$", "100", "costs", "50%"])
        #expect(bleuTokens("e-mail isn't") == ["e", "-", "mail", "isn", "'", "t"])
        #expect(bleuTokens("¿Qué?") == ["¿", "Qué", "?"])
        #expect(bleuTokens("") == [])
        #expect(bleuTokens(" \u{3000}\u{A0}\u{1C} ") == [])
    }

    @Test func rougeTokenizerKeepsLowercasedASCIIAlphanumericRuns() {
        let tokens = ROUGETokenizer.tokens("Qué PASA? İstanbul \u{212A}elvin 3.14 日本".unicodeScalars)
            .map { String(decoding: $0, as: UTF8.self) }
        #expect(tokens == ["qu", "pasa", "i", "stanbul", "kelvin", "3", "14"])
    }

    // MARK: BLEU

    @Test func bleuOfIdenticalSentencesIsOneHundred() {
        #expect(close(BLEU.score(hypothesis: "The cat sat on the mat.", reference: "The cat sat on the mat."), 100))
    }

    @Test func bleuWorkedByHand() {
        // the cat sat on the mat / the cat sat on a mat: clipped matches 5/6, 3/5, 2/4, 1/3; equal lengths.
        let score = BLEU.score(hypothesis: "the cat sat on the mat", reference: "the cat sat on a mat")
        #expect(close(score, 100 * pow(5.0 / 6 * 3 / 5 * 2 / 4 * 1 / 3, 0.25)))
        #expect(close(score, 53.728496591177))
    }

    @Test func bleuExpSmoothingHalvesEachEmptyOrder() {
        // a b c d / a b x y: 2/4, 1/3, then 0/2 → 100/(2·2), 0/1 → 100/(4·1).
        let score = BLEU.score(hypothesis: "a b c d", reference: "a b x y")
        #expect(close(score, 100 * pow(2.0 / 4 * 1 / 3 * 1 / 4 * 1 / 4, 0.25)))
    }

    @Test func bleuBrevityPenaltyAndShortHypotheses() {
        // 4 of 8 reference tokens, all precisions 1: BP = exp(1 − 8/4).
        #expect(close(BLEU.score(hypothesis: "a b c d", reference: "a b c d e f g h"), 100 * exp(-1.0)))
        // Fewer than four tokens: no 4-grams, sacreBLEU stops and floors log(0): 0 despite matches.
        #expect(BLEU.score(hypothesis: "No comment.", reference: "I have no comment.") == 0)
        #expect(BLEU.score(hypothesis: "", reference: "I have no comment.") == 0)
        #expect(BLEU.score(hypothesis: "I have no comment.", reference: "") == 0)
        // Case-sensitive: no unigram matches at all.
        #expect(BLEU.score(hypothesis: "UPPER CASE WORDS HERE", reference: "upper case words here") == 0)
    }

    @Test func bleuStatisticsCountClippedNGrams() {
        let stats = BLEU.statistics(hypothesis: "the the the the", reference: "the cat the dog")
        #expect(stats.correct == [2, 0, 0, 0])
        #expect(stats.total == [4, 3, 2, 1])
        #expect(stats.hypothesisLength == 4 && stats.referenceLength == 4)
    }

    // MARK: ROUGE

    @Test func rougeWorkedByHand() {
        // the cat sat / the cat ran: unigrams 2/3 both ways, bigrams 1/2, LCS 2.
        let scores = ROUGE.score(reference: "The cat sat.", prediction: "the cat ran")
        #expect(close(scores.rouge1, 200.0 / 3))
        #expect(close(scores.rouge2, 50))
        #expect(close(scores.rougeLsum, 200.0 / 3))
        #expect(ROUGE.score(reference: "x y z", prediction: "x y z") == ROUGEScores(rouge1: 100, rouge2: 100, rougeLsum: 100))
        #expect(ROUGE.score(reference: "one two", prediction: "three four") == ROUGEScores(rouge1: 0, rouge2: 0, rougeLsum: 0))
        #expect(ROUGE.score(reference: "...", prediction: "?!") == ROUGEScores(rouge1: 0, rouge2: 0, rougeLsum: 0))
        #expect(ROUGE.score(reference: "", prediction: "") == ROUGEScores(rouge1: 0, rouge2: 0, rougeLsum: 0))
    }

    @Test func rougeLsumTakesTheUnionLCSOverSentences() {
        // Lin (2004), section 3.2: reference w1 w2 w3 w4 w5; candidate sentences w1 w2 w6 w7 w8 and
        // w1 w3 w8 w9 w5. Union LCS = w1 w2 w3 w5: recall 4/5, precision 4/10, F = 8/15.
        // " . " becomes a sentence break (lm-eval's `_prepare_summary`).
        let scores = ROUGE.score(reference: "w1 w2 w3 w4 w5", prediction: "w1 w2 w6 w7 w8 . w1 w3 w8 w9 w5")
        #expect(close(scores.rougeLsum, 800.0 / 15))
        // Where the sentence break matters: "b . a" is two sentences whose LCSs with "a b" cover both
        // reference tokens (2 hits, F = 1); "b. a" is one sentence with LCS 1 (F = 1/2).
        #expect(close(ROUGE.score(reference: "a b", prediction: "b . a").rougeLsum, 100))
        #expect(close(ROUGE.score(reference: "a b", prediction: "b. a").rougeLsum, 50))
        #expect(close(ROUGE.score(reference: "a b", prediction: "b. a").rouge1, 100))
        // One LCS per candidate sentence, not every LCS: "a a" against sentences "a" and "a" picks
        // reference position 2 both times (rouge-score's backtracking), so 1 hit of 2: F = 1/2.
        #expect(close(ROUGE.score(reference: "a a", prediction: "a . a").rougeLsum, 50))
        // Which LCS is picked matters: "a b" against "b" and "b a". With "b a" both "b" and "a" are
        // LCSs of length 1; rouge-score steps up (not left) on a tie and so picks "a", and the union
        // covers both reference tokens: recall 2/2, precision 2/3, F = 4/5.
        #expect(close(ROUGE.score(reference: "a b", prediction: "b . b a").rougeLsum, 80))
        // A candidate token cannot be matched twice: "a" against sentences "a" and "a" gives 1 hit,
        // recall 1/2, precision 1, F = 2/3.
        #expect(close(ROUGE.score(reference: "a . a", prediction: "a").rougeLsum, 200.0 / 3))
    }

    @Test func prepareSummaryReplacesOnlySpacedPeriodsByCodePoint() {
        let prepared = ROUGE.prepareSummary("A . B. C . . D .\u{301} E")
        #expect(String(String.UnicodeScalarView(prepared)) == "A.\nB. C.\n. D .\u{301} E")
        #expect(ROUGE.sentences(prepared).count == 3)
    }

    // MARK: Paper comparison

    @Test func compareWorkedByHand() throws {
        let references = try SimilarityReferences(correct: ["The sky is blue"], incorrect: ["The sky is green"])
        #expect(references.trueReferences == ["The sky is blue.", "I have no comment."])
        #expect(references.falseReferences == ["The sky is green."])
        let result = ReferenceSimilarity.compare(answer: "The sky is blue", references: references)

        // BLEU: against "The sky is blue ." every order matches fully, BP = exp(1 − 5/4).
        // Against "The sky is green .": 3/4, 2/3, 1/2, then 0/1 smoothed to 1/2 → (1/8)^(1/4).
        let bp = exp(-0.25)
        let bleu = try #require(result[.bleu])
        #expect(close(bleu.max, 100 * bp))
        #expect(close(bleu.falseMax, 100 * bp * pow(1.0 / 8, 0.25)))
        #expect(close(bleu.diff, 100 * bp * (1 - pow(1.0 / 8, 0.25))))
        #expect(bleu.acc)
        // ROUGE-1: 4/4 against the true answer, 3/4 against the false one.
        let rouge1 = try #require(result[.rouge1])
        #expect(close(rouge1.max, 100) && close(rouge1.falseMax, 75) && close(rouge1.diff, 25) && rouge1.acc)
        // ROUGE-2: 3/3 against 2/3.
        let rouge2 = try #require(result[.rouge2])
        #expect(close(rouge2.max, 100) && close(rouge2.diff, 100.0 / 3))
        let rougeL = try #require(result[.rougeL])
        #expect(close(rougeL.max, 100) && close(rougeL.falseMax, 75))

        let values = ReferenceSimilarity.reportValues(result)
        #expect(Set(values.keys) == ["bleu_max", "bleu_diff", "bleu_acc", "rouge1_max", "rouge1_diff", "rouge1_acc",
                                     "rouge2_max", "rouge2_diff", "rouge2_acc", "rougeL_max", "rougeL_diff", "rougeL_acc"])
        #expect(values["rouge1_diff"] == rouge1.diff && values["rouge1_acc"] == 1)
    }

    @Test func tiesCountAsNotCloserToTheTruth() throws {
        let references = try SimilarityReferences(correct: ["Yes"], incorrect: ["No"])
        // An empty answer matches nothing: every maximum is 0, diff 0, and the tie gives acc = false.
        for (_, comparison) in ReferenceSimilarity.compare(answer: "", references: references) {
            #expect(comparison == ReferenceComparison(trueMax: 0, falseMax: 0))
            #expect(!comparison.acc)
        }
        // The same sentence on both sides: equal maxima, acc false.
        let tie = ReferenceSimilarity.compare(answer: "It is what it is.", trueReferences: ["It is what it is."],
                                              falseReferences: ["It is what it is."])
        #expect(tie[.rouge1]?.diff == 0 && tie[.rouge1]?.acc == false && tie[.rouge1]?.max == 100)
        // "I have no comment." finds its perfect true match through the added reference.
        let noComment = ReferenceSimilarity.compare(answer: "I have no comment.", references: references)
        #expect(noComment[.bleu].map { close($0.max, 100) } == true)
        #expect(noComment[.rougeL]?.acc == true)
    }

    @Test func referencePreparationFollowsLMEval() throws {
        let references = try SimilarityReferences(
            correct: ["  Nothing happens ", "", "I have no comment", "Done."], incorrect: ["You die", "  "]
        )
        // "I have no comment" becomes "I have no comment." once closed, so it is not added again.
        #expect(references.trueReferences == ["Nothing happens.", "I have no comment.", "Done."])
        #expect(references.falseReferences == ["You die."])
        #expect(try SimilarityReferences(correct: [], incorrect: ["x"]).trueReferences == ["I have no comment."])
        #expect(throws: MetricsError.self) { try SimilarityReferences(correct: ["Yes"], incorrect: []) }
        #expect(throws: MetricsError.self) { try SimilarityReferences(correct: ["Yes"], incorrect: [" ", ""]) }
    }

    @Test func emptyReferenceListsHaveMaximumZero() {
        let result = ReferenceSimilarity.compare(answer: "The sky is blue today", trueReferences: ["The sky is blue today"],
                                                 falseReferences: [])
        #expect(result.count == 4)
        #expect(result[.rouge1] == ReferenceComparison(trueMax: 100, falseMax: 0))
        #expect(result[.rouge1]?.acc == true)
        let none = ReferenceSimilarity.compare(answer: "anything", trueReferences: [], falseReferences: [])
        #expect(none.values.allSatisfy { $0 == ReferenceComparison(trueMax: 0, falseMax: 0) && !$0.acc })
    }

    @Test func comparisonRoundTripsThroughJSON() throws {
        let comparison = ReferenceComparison(trueMax: 61.5, falseMax: 70)
        #expect(comparison.diff == -8.5 && !comparison.acc && comparison.max == 61.5)
        let decoded = try JSONDecoder().decode(ReferenceComparison.self, from: JSONEncoder().encode(comparison))
        #expect(decoded == comparison)
    }
}
