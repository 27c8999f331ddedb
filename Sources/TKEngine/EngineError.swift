/// Errors from loading a model or running it, each saying what to do next.
public struct EngineError: Error, CustomStringConvertible, Sendable {
    public enum Code: String, Sendable {
        case unknownArchitecture
        case unsupportedTensorType
        case missingTensor
        /// The file holds tensors the architecture does not read.
        case unusedTensor
        /// The model's numbers are damaged: a weight or an activation is NaN or infinite.
        case damagedModel
        case badShape
        case badConfig
        case contextOverflow
        case invalidHook
        case invalidRequest
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
