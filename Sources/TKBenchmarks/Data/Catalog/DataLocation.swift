import Foundation
import TKEvalCore

/// Where benchmark data lives on this machine, and which setting chose it.
///
/// The same layout as `../shared/data` (a `truthfulqa/` folder), so tests and CI can point
/// `TRUTHKIT_DATA_DIR` at the shared copy and skip downloading.
public struct DataLocation: Sendable, Equatable {
    /// The folder holding one subfolder per data set.
    public var directory: URL
    /// What chose it: `TRUTHKIT_DATA_DIR`, `TRUTHKIT_HOME` or `default`.
    public var chosenBy: String

    public init(directory: URL, chosenBy: String) {
        self.directory = directory
        self.chosenBy = chosenBy
    }

    /// `$TRUTHKIT_DATA_DIR` if set, else `$TRUTHKIT_HOME/data`, else `~/.cache/truthkit/data`.
    /// Relative paths are taken from the current directory; a leading `~/` means the home folder.
    public static func resolve(
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> DataLocation {
        if let dir = environment["TRUTHKIT_DATA_DIR"], !dir.isEmpty {
            return DataLocation(directory: TruthKitPaths.expand(dir, environment: environment), chosenBy: "TRUTHKIT_DATA_DIR")
        }
        let chosenBy = (environment["TRUTHKIT_HOME"]?.isEmpty ?? true) ? "default" : "TRUTHKIT_HOME"
        return DataLocation(directory: TruthKitPaths.root(environment: environment).appendingPathComponent("data"), chosenBy: chosenBy)
    }
}
