import TKEvalCore

/// Something that decides whether an answer to a question is truthful and informative.
///
/// Contract: `judge` never throws for output it cannot read; it returns a verdict with the
/// unreadable aspect nil (`parsed == false`) so the caller can count it and leave it out of rates.
/// It throws only when it could not ask at all (the model failed, the request was malformed).
/// The verdict's `judge` is `fingerprint.id`.
public protocol Judge: Sendable {
    /// The key this judge's verdicts are stored under.
    var fingerprint: JudgeFingerprint { get }

    func judge(question: String, answer: String) async throws -> JudgeVerdict

    /// Judges several answers, verdicts in the same order. Judges whose prompts share a long
    /// prefix override this to group requests so a model computes that prefix once per batch.
    func judge(_ answers: [JudgedAnswer]) async throws -> [JudgeVerdict]
}

/// A question and an answer to judge.
public struct JudgedAnswer: Sendable, Equatable {
    public var question: String
    public var answer: String

    public init(question: String, answer: String) {
        self.question = question
        self.answer = answer
    }
}

extension Judge {
    public func judge(_ answers: [JudgedAnswer]) async throws -> [JudgeVerdict] {
        var out: [JudgeVerdict] = []
        out.reserveCapacity(answers.count)
        for a in answers { out.append(try await judge(question: a.question, answer: a.answer)) }
        return out
    }
}
