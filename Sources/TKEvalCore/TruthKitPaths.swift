import Foundation

/// Where TruthKit keeps things and how user-written paths are read — one rule for the model
/// cache, the data folder, the run store and the fingerprint cache:
/// - the root is `$TRUTHKIT_HOME`, else `$HOME/.cache/truthkit`;
/// - `~` alone is the home folder and a leading `~/` starts from it (`$HOME` first, else the
///   account's home), so `TRUTHKIT_HOME=~/tk` never makes a folder named `~`;
/// - a relative path is taken from the current directory.
public enum TruthKitPaths {
    /// The user's home folder: `$HOME` when set, else the account's.
    public static func home(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        if let home = environment["HOME"], !home.isEmpty { return URL(fileURLWithPath: home, isDirectory: true) }
        return FileManager.default.homeDirectoryForCurrentUser
    }

    /// `path` with a leading `~` expanded, as an absolute, standardised file URL.
    public static func expand(_ path: String, environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        if path == "~" { return home(environment: environment).standardizedFileURL }
        if path.hasPrefix("~/") {
            return home(environment: environment).appendingPathComponent(String(path.dropFirst(2))).standardizedFileURL
        }
        return URL(fileURLWithPath: path).standardizedFileURL
    }

    /// `$TRUTHKIT_HOME`, else `$HOME/.cache/truthkit`.
    public static func root(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        if let configured = environment["TRUTHKIT_HOME"], !configured.isEmpty {
            return expand(configured, environment: environment)
        }
        return home(environment: environment).appendingPathComponent(".cache/truthkit", isDirectory: true)
    }
}
