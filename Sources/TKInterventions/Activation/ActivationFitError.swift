/// Errors from fitting, loading or applying fitted interventions (ITI, steering vectors, Truth
/// Neurons, GrAInS) and from the gradients and attributions they are fitted with.
///
/// Each message says what is wrong and what to do; `code` lets callers branch without parsing text.
/// Every check runs before any scoring starts, so a bad fit never yields half a run.
public struct ActivationFitError: Error, CustomStringConvertible, Sendable, Equatable {
    public enum Code: String, Sendable {
        /// The data given to a fit is malformed (ragged rows, non-finite values, bad options).
        case invalidInput
        /// Too few questions or examples to fit (e.g. a fold with no false answers).
        case insufficientData
        /// The fit was made for another model (name, architecture, shape or fingerprint differ).
        case incompatibleModel
        /// The fit was made on other data than the run uses (checksum differs).
        case incompatibleData
        /// A layer, head or fold the model or fit does not have.
        case unknownLocation
        /// α or K outside the accepted range.
        case outOfRange
        /// The file is unreadable, not a fit, or internally inconsistent.
        case badFile
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
