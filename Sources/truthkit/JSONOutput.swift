import Foundation
import TKEvaluation

/// Writes an Encodable as one JSON document on stdout (machine-readable output; humans read
/// stderr), in the house convention (`OutputJSON`: snake_case keys, sorted).
func printJSON<T: Encodable>(_ value: T, pretty: Bool = false) throws {
    let encoder = OutputJSON.encoder(pretty: pretty)
    encoder.outputFormatting.insert(.withoutEscapingSlashes)
    let data = try encoder.encode(value)
    FileHandle.standardOutput.write(data)
    FileHandle.standardOutput.write(Data("\n".utf8))
}

/// Prints to stderr (progress, summaries that must not pollute `--json` on stdout).
func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}
