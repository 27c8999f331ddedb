/// Everything that can be wrong with a GGUF file, with where it was found.
///
/// Modelled on NIO's `FileSystemError`: a stable `code`, a message that says what went wrong and
/// what to do about it, and the location (byte offset, metadata key or tensor name). Match on
/// `code`, not on the text of `message`, which may be reworded.
public struct GGUFError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What kind of problem this is.
    public enum Code: String, Sendable, Equatable, CaseIterable {
        /// No file at the given path.
        case fileNotFound
        /// The path exists but cannot be opened or read (permissions, a directory, an I/O error).
        case unreadable
        /// The first four bytes are not `GGUF`.
        case badMagic
        /// A GGUF version other than 2 or 3, or a big-endian file.
        case unsupportedVersion
        /// The file ends in the middle of the header.
        case truncated
        /// A metadata value or array element has an unknown type tag, a bool is not 0 or 1, or
        /// arrays nest implausibly deep.
        case invalidValueType
        /// A key or string value is not valid UTF-8.
        case invalidString
        /// A count or length is larger than the rest of the file could hold.
        case implausibleCount
        /// A metadata key appears twice.
        case duplicateKey
        /// A tensor entry is malformed: bad dimensions, misaligned offset, duplicate name, or data
        /// not where llama.cpp's layout puts it (overlapping another tensor's, or after a gap).
        case invalidTensor
        /// A tensor uses a ggml type this build cannot read.
        case unsupportedTensorType
        /// A tensor's data lies (partly) beyond the end of the file.
        case tensorOutOfBounds
        /// A metadata key the caller requires is absent.
        case missingKey
        /// A tensor the caller requires is absent.
        case missingTensor
        /// A metadata value has the wrong type or an invalid value (e.g. `general.alignment`).
        case wrongValueType
    }

    public var code: Code
    /// What went wrong and what to do about it.
    public var message: String
    /// Byte offset in the file where the problem was found, when it has one.
    public var offset: Int?
    /// The metadata key being read, when the problem is inside one.
    public var key: String?
    /// The tensor being read, when the problem is inside one.
    public var tensor: String?
    /// The file, when it was read from disk.
    public var path: String?

    public init(_ code: Code, _ message: String, offset: Int? = nil, key: String? = nil, tensor: String? = nil, path: String? = nil) {
        self.code = code
        self.message = message
        self.offset = offset
        self.key = key
        self.tensor = tensor
        self.path = path
    }

    /// Longest message `description` shows; the rest is cut, so a message quoting a damaged
    /// value can never flood the terminal.
    static let maxMessageLength = 1_000

    /// `path, offset N, key 'k', tensor 't': message`, leaving out the parts that are unknown.
    ///
    /// Key, tensor name and path come from the file (or the user) and are shown escaped and cut
    /// to `GGUFText.errorLimit` characters (see `GGUFText`), so control characters or megabytes
    /// of binary in a damaged name never reach the terminal.
    public var description: String {
        var location: [String] = []
        if let path { location.append(GGUFText.forError(path)) }
        if let offset { location.append("offset \(offset)") }
        if let key { location.append("key '\(GGUFText.forError(key))'") }
        if let tensor { location.append("tensor '\(GGUFText.forError(tensor))'") }
        let prefix = location.isEmpty ? "" : location.joined(separator: ", ") + ": "
        return prefix + GGUFText.escaped(message, maxLength: Self.maxMessageLength, keepingNewlines: true)
    }

    func with(path: String) -> GGUFError {
        var copy = self
        copy.path = path
        return copy
    }
}
