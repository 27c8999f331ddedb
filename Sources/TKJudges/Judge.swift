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
}
