/// Why a metric could not be computed from the values it was given.
///
/// Metrics are pure functions, so every failure is a problem with the input: a label array that
/// does not match the scores, an item with no true answer, arrays of different lengths. The
/// message names the offending value and what a well-formed input looks like, because the usual
/// cause is a data file or an evaluator bug several layers away from the call that fails.
public struct MetricsError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What kind of input problem it is, for callers that branch on it.
    public enum Code: String, Sendable, Equatable {
        /// Scores and labels do not describe a valid multiple-choice item.
        case invalidChoices
        /// Two arrays that must be parallel have different lengths or keys.
        case mismatchedInputs
        /// There is nothing to compute over.
        case emptyInput
        /// A parameter is out of its range (a negative resample count, a confidence of 1.5).
        case invalidParameter
    }

    public var code: Code
    /// What failed, with the offending value and what a valid input looks like.
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
