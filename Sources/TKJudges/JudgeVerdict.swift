import TKEvalCore

extension JudgeVerdict {
    /// The verdict on one aspect.
    public func value(_ aspect: JudgeAspect) -> Bool? {
        aspect == .truthful ? truthful : informative
    }
}
