/// Where and why a JSON text failed to parse; turned into a `DatasetError` by the caller, who
/// knows the file and line.
struct JSONSyntaxError: Error, Sendable, Equatable {
    /// The byte offset of the problem within the parsed text.
    var offset: Int
    var message: String
}
