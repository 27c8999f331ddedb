/// Why judging or calibrating could not go on.
///
/// Unreadable judge output is *not* an error (it becomes a verdict with `parsed == false`, counted
/// and excluded from rates); these are problems with the setup or the input files.
public struct JudgeError: Error, CustomStringConvertible, Sendable, Equatable {
    public enum Code: String, Sendable, Equatable {
        /// The few-shot pool is too small for the requested number of examples.
        case notEnoughExamples
        /// A setting is out of range.
        case invalidSetting
        /// The judge model answered something unusable (the wrong number of scores).
        case badModelResponse
        /// A human-labels file could not be read; the message names the line and column.
        case invalidLabels
        /// Labels and verdicts do not line up.
        case mismatchedInputs
    }

    public var code: Code
    /// What failed, the offending value, and what to do.
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
