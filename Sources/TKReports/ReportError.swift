/// A problem with a report or export request, in words meant for the user: what is wrong and what to do.
public struct ReportError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}
