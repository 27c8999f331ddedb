#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Where progress and status text goes, and what kind of screen it lands on.
///
/// Progress bars redraw in place only on a terminal; in a log file or a CI transcript the same
/// updates become occasional plain lines. Keeping that fact next to the writer lets tests capture
/// output for either kind of screen without touching the process's real stderr.
public struct ConsoleOutput: Sendable {
    /// True when the text reaches an interactive terminal that understands carriage returns and
    /// the erase-line escape.
    public var isTerminal: Bool
    /// Columns available for one line.
    public var width: Int
    /// True for `.silent`, so callers can skip building progress displays no one will see.
    public private(set) var isSilent = false
    private let sink: @Sendable (String) -> Void

    /// Creates an output that hands each piece of text to `write`.
    public init(isTerminal: Bool, width: Int = 80, write: @escaping @Sendable (String) -> Void) {
        self.isTerminal = isTerminal
        self.width = max(20, width)
        self.sink = write
    }

    /// Writes `text` as is (no newline is added).
    public func write(_ text: String) {
        sink(text)
    }

    /// The process's standard error, a terminal or not.
    ///
    /// The width comes from `COLUMNS` when the shell exports it, else 80: asking the terminal
    /// itself needs an `ioctl` with a raw pointer, which this package keeps out of this module.
    public static var standardError: ConsoleOutput {
        let environment = ProcessInfo.processInfo.environment
        let columns = environment["COLUMNS"].flatMap(Int.init) ?? 80
        let terminal = isatty(STDERR_FILENO) == 1 && environment["TERM"] != "dumb"
        return ConsoleOutput(isTerminal: terminal, width: columns) { text in
            FileHandle.standardError.write(Data(text.utf8))
        }
    }

    /// Discards everything; for callers that want no progress display.
    public static let silent: ConsoleOutput = {
        var output = ConsoleOutput(isTerminal: false) { _ in }
        output.isSilent = true
        return output
    }()
}
