import ArgumentParser
import TKEngine

/// Options shared by the commands that run the native engine.
struct EngineOptions: ParsableArguments {
    @Option(help: "Threads for matrix products (OpenBLAS and the quantised kernels).")
    var threads: Int = 2

    func validate() throws {
        guard (1...256).contains(threads) else { throw ValidationError("--threads must be between 1 and 256, got \(threads)") }
    }
}

/// Loads the model named by `--model` (name, path, URL or Hugging Face path).
func loadModel(_ option: ModelOption) async throws -> TransformerModel {
    let path = try await option.resolvedPath()
    return try TransformerModel(path: path)
}
