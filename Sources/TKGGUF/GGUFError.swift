/// Everything that can be wrong with a GGUF file, with where it was found.
///
/// Modelled on NIO's `FileSystemError`: a stable `code`, a message that says what went wrong and
/// what to do about it, and the location (byte offset, metadata key or tensor name).
public struct GGUFError: Error, CustomStringConvertible, Sendable, Equatable {
    public enum Code: String, Sendable, Equatable {
        case fileNotFound
        case unreadable
        case badMagic
        case unsupportedVersion
        case truncated
        case invalidValueType
        case invalidString
        case implausibleCount
        case duplicateKey
        case invalidTensor
        case unsupportedTensorType
        case tensorOutOfBounds
        case missingKey
        case wrongValueType
    }

    public var code: Code
    public var message: String
    /// Byte offset in the file where the problem was found, when it has one.
    public var offset: Int?
    /// The metadata key being read, when the problem is inside one.
    public var key: String?
    /// The tensor being read, when the problem is inside one.
    public var tensor: String?
    public var path: String?

    public init(_ code: Code, _ message: String, offset: Int? = nil, key: String? = nil, tensor: String? = nil, path: String? = nil) {
        self.code = code
        self.message = message
        self.offset = offset
        self.key = key
        self.tensor = tensor
        self.path = path
    }

    public var description: String {
        var location: [String] = []
        if let path { location.append(path) }
        if let offset { location.append("offset \(offset)") }
        if let key { location.append("key '\(key)'") }
        if let tensor { location.append("tensor '\(tensor)'") }
        let prefix = location.isEmpty ? "" : location.joined(separator: ", ") + ": "
        return prefix + message
    }

    func with(path: String) -> GGUFError {
        var copy = self
        copy.path = path
        return copy
    }
}
