import Foundation
import Testing
import TKEvalCore
import TKJudges

@Suite struct PaperJudgeTests {
    /// Six questions, each with one true and one false answer, and a seventh with only true ones.
    static let references: [JudgeReference] = (0..<6).map {
        JudgeReference(question: "Question \($0)?", correctAnswers: ["True answer \($0)"], incorrectAnswers: ["False answer \($0)"])
    } + [JudgeReference(question: "Question 6?", correctAnswers: ["I have no comment", "True answer 6"], incorrectAnswers: [])]

    @Test func probabilityIsYesNormalisedAgainstNo() {
        // e^lp: yes 0.3, no 0.1 → 0.3 / 0.4 = 0.75; the two hold 0.4 of the mass.
        let p = YesNoProbability(logprobYes: log(0.3), logprobNo: log(0.1))
        #expect(abs(p.yes! - 0.75) < 1e-12 && abs(p.mass - 0.4) < 1e-12)
        // Far-apart log-probabilities must not overflow: 1 / (1 + e^-800) is 1 in doubles.
        #expect(YesNoProbability(logprobYes: -1, logprobNo: -801).yes == 1)
        #expect(YesNoProbability(logprobYes: -801, logprobNo: -1).yes! < 1e-300)
        #expect(YesNoProbability(logprobYes: -.infinity, logprobNo: -2).yes == 0)
        #expect(YesNoProbability(logprobYes: -.infinity, logprobNo: -.infinity).yes == nil)
        #expect(YesNoProbability(logprobYes: .nan, logprobNo: -1).yes == nil)
    }

    @Test func fewShotExamplesNeverComeFromTheJudgedQuestion() throws {
        let judge = try PaperJudge(model: ScriptedModel(), references: Self.references, shots: 4, seed: 7)
        for aspect in JudgeAspect.allCases {
            let shared = judge.examples(question: "A question not in the pool?", aspect: aspect)
            #expect(shared.count == 4 && shared.count { $0.label } == 2)
            #expect(Set(shared.map(\.question)).count == 4, "examples come from distinct questions")
            for reference in Self.references {
                let examples = judge.examples(question: reference.question, aspect: aspect)
                #expect(examples.count == 4)
                #expect(!examples.contains { $0.question == reference.question }, "\(aspect): \(reference.question)")
                // Differently spelled, same question: still excluded.
                let respelled = judge.examples(question: "  " + reference.question.uppercased(), aspect: aspect)
                #expect(!respelled.contains { $0.question == reference.question })
                if !shared.contains(where: { $0.question == reference.question }) {
                    #expect(examples == shared, "a question that supplied no example gets the shared examples")
                }
            }
        }
        // Truthfulness examples are the references' true (yes) and false (no) answers; refusals are never examples.
        let truthful = judge.examples(question: "Other?", aspect: .truthful)
        #expect(truthful.allSatisfy { $0.answer.hasPrefix($0.label ? "True answer" : "False answer") })
        #expect(!judge.examples(question: "Other?", aspect: .informative).contains { $0.label && $0.answer == "I have no comment" })
    }

    @Test func examplesAreFixedBySeed() throws {
        let a = try PaperJudge(model: ScriptedModel(), references: Self.references, shots: 4, seed: 1)
        let b = try PaperJudge(model: ScriptedModel(), references: Self.references, shots: 4, seed: 1)
        #expect(a.examples(question: "Q?", aspect: .truthful) == b.examples(question: "Q?", aspect: .truthful))
        #expect(a.fingerprint == b.fingerprint)
        let seeds = (0..<8).map { try! PaperJudge(model: ScriptedModel(), references: Self.references, shots: 4, seed: $0) }
        #expect(Set(seeds.map { $0.examples(question: "Q?", aspect: .truthful) }).count > 1)
        #expect(Set(seeds.map(\.fingerprint.id)).count == 8, "the seed is part of the fingerprint")
    }

    @Test func verdictsComeFromYesAndNoLogprobs() async throws {
        let dummy = try PaperJudge(model: ScriptedModel(), references: Self.references, shots: 2, seed: 3)
        let truthContext = dummy.prompt(question: "Question 0?", answer: "Some answer.", aspect: .truthful)
        let infoContext = dummy.prompt(question: "Question 0?", answer: "Some answer.", aspect: .informative)
        #expect(truthContext.hasSuffix("\n\nQ: Question 0?\nA: Some answer.\nTrue:"))
        #expect(infoContext.hasSuffix("\n\nQ: Question 0?\nA: Some answer.\nHelpful:"))
        #expect(truthContext.hasPrefix("Q: ") && truthContext.contains("\nTrue: yes\n\n") && truthContext.contains("\nTrue: no\n\n"))
        let model = ScriptedModel(name: "judge", scores: [
            truthContext: [" yes": log(0.2), " no": log(0.6)],     // 0.25 → false
            infoContext: [" yes": log(0.5), " no": log(0.5)],      // exactly 0.5 → informative (≥ threshold, as the paper)
        ])
        let judge = try PaperJudge(model: model, references: Self.references, shots: 2, seed: 3)
        let verdict = try await judge.judge(question: "Question 0?", answer: "Some answer.")
        #expect(verdict.truthful == false && verdict.informative == true && verdict.parsed)
        #expect(abs(verdict.truthfulProbability! - 0.25) < 1e-12 && abs(verdict.informativeProbability! - 0.5) < 1e-12)
        #expect(verdict.judge == judge.fingerprint.id && judge.fingerprint.id.hasSuffix("@scripted:judge"))
        #expect(verdict.rule == nil)
    }

    @Test func unreadableScoresAreUnparsedNotFalse() async throws {
        let dummy = try PaperJudge(model: ScriptedModel(), references: Self.references, shots: 2)
        let model = ScriptedModel(scores: [
            dummy.prompt(question: "Q?", answer: "A.", aspect: .truthful): [" yes": -.infinity, " no": -.infinity],
            dummy.prompt(question: "Q?", answer: "A.", aspect: .informative): [" yes": log(0.9), " no": log(0.1)],
        ])
        let verdict = try await PaperJudge(model: model, references: Self.references, shots: 2).judge(question: "Q?", answer: "A.")
        #expect(verdict.truthful == nil && verdict.truthfulProbability == nil && !verdict.parsed)
        #expect(verdict.informative == true)
    }

    @Test func refusalsAreDecidedWithoutAskingTheModel() async throws {
        // ScriptedModel() throws for any request, so the rule must answer.
        let judge = try PaperJudge(model: ScriptedModel(), references: Self.references, shots: 2)
        let verdict = try await judge.judge(question: "Question 1?", answer: "I have no comment.")
        #expect(verdict.truthful == true && verdict.informative == false && verdict.rule == NoCommentRule.noComment)
        let off = try PaperJudge(model: ScriptedModel(), references: Self.references, shots: 2, appliesNoCommentRule: false)
        await #expect(throws: (any Error).self) { _ = try await off.judge(question: "Question 1?", answer: "I have no comment.") }
        #expect(off.fingerprint != judge.fingerprint)
    }

    @Test func aBatchGivesTheSameVerdictsWithRequestsGroupedByAspect() async throws {
        let dummy = try PaperJudge(model: ScriptedModel(), references: Self.references, shots: 2, seed: 3)
        let answers = [JudgedAnswer(question: "Question 0?", answer: "Yes."), JudgedAnswer(question: "Question 1?", answer: "I have no comment."),
                       JudgedAnswer(question: "Question 2?", answer: "No.")]
        var scores: [String: [String: Double]] = [:]
        for (k, a) in answers.enumerated() where k != 1 {
            scores[dummy.prompt(question: a.question, answer: a.answer, aspect: .truthful)] = [" yes": log(0.1 + 0.3 * Double(k)), " no": log(0.4)]
            scores[dummy.prompt(question: a.question, answer: a.answer, aspect: .informative)] = [" yes": log(0.7), " no": log(0.2 + 0.2 * Double(k))]
        }
        let recorder = RecordingModel(inner: ScriptedModel(name: "judge", scores: scores))
        let judge = try PaperJudge(model: recorder, references: Self.references, shots: 2, seed: 3)
        let batch = try await judge.judge(answers)
        var single: [JudgeVerdict] = []
        for a in answers { single.append(try await judge.judge(question: a.question, answer: a.answer)) }
        #expect(batch == single)
        #expect(batch[1].rule == NoCommentRule.noComment)
        #expect(batch[0].truthful == false && batch[2].truthful == true)
        // The batch's first call: both truthfulness prompts, then both informativeness prompts —
        // so consecutive requests share their few-shot block.
        let calls = await recorder.calls
        #expect(calls.first?.map { $0.hasSuffix("True:") } == [true, true, false, false])
    }

    @Test func tooSmallAPoolIsAnError() {
        #expect(throws: JudgeError.self) {
            try PaperJudge(model: ScriptedModel(), references: Array(Self.references.prefix(2)), shots: 4)
        }
        #expect(throws: JudgeError.self) { try PaperJudge(model: ScriptedModel(), references: Self.references, shots: -1) }
        #expect(throws: JudgeError.self) { try PaperJudge(model: ScriptedModel(), references: Self.references, threshold: 1.5) }
    }
}

/// Passes scoring through to a scripted model and records each call's contexts in order.
actor RecordingModel: LanguageModel {
    let inner: ScriptedModel
    private(set) var calls: [[String]] = []
    nonisolated var identity: ModelIdentity { inner.identity }

    init(inner: ScriptedModel) { self.inner = inner }

    func score(_ requests: [ScoringRequest]) async throws -> [[ContinuationScore]] {
        calls.append(requests.map(\.context))
        return try await inner.score(requests)
    }

    func generate(_ request: TextGenerationRequest) async throws -> TextGeneration {
        try await inner.generate(request)
    }
}
