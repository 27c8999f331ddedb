import ArgumentParser
import Foundation
import TKEngine
import TKKernels

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

/// `--kv-cache`, `--exit-layer`, `--skip-layers`, `--skip-every`: the engine's efficiency settings
/// (`InferenceOptions`), for the commands that run the native engine and record them.
struct EfficiencyOptions: ParsableArguments {
    @Option(name: .customLong("kv-cache"), help: ArgumentHelp("Native engine: KV-cache format — \(KVCacheFormat.names.joined(separator: ", ")) (kivi: 2/4-bit, keys per channel, values per token, group 32, newest 128 tokens full precision). Simulated: attention reads the values the format stores.", valueName: "format"))
    var kvCache: String = "f32"

    @Option(name: .customLong("exit-layer"), help: ArgumentHelp("Native engine: run only the first N blocks, then the final norm and output head (early exit).", valueName: "N"))
    var exitLayer: Int?

    @Option(name: .customLong("skip-layers"), help: ArgumentHelp("Native engine: blocks (0-based) that do not run, e.g. 3,7.", valueName: "list"))
    var skipLayers: String?

    @Option(name: .customLong("skip-every"), help: ArgumentHelp("Native engine: skip every k-th block (k−1, 2k−1, …; k ≥ 2).", valueName: "k"))
    var skipEvery: Int?

    /// The options these flags describe (model-independent checks only; `InferenceOptions.validate`
    /// checks them against the model when it loads).
    func inferenceOptions() throws -> InferenceOptions {
        try Self.parse(kvCache: kvCache, exitLayer: exitLayer, skipLayers: skipLayers, skipEvery: skipEvery)
    }

    static func parse(kvCache: String, exitLayer: Int?, skipLayers: String?, skipEvery: Int?) throws -> InferenceOptions {
        guard let format = KVCacheFormat(name: kvCache) else {
            throw ValidationError("--kv-cache '\(kvCache)' is not a format; use one of \(KVCacheFormat.names.joined(separator: ", "))")
        }
        if let exitLayer, exitLayer < 1 { throw ValidationError("--exit-layer must be at least 1 (the number of blocks to run)") }
        var skip = InferenceOptions.LayerSkip.none
        if let skipLayers {
            guard skipEvery == nil else { throw ValidationError("give --skip-layers or --skip-every, not both") }
            var set = Set<Int>()
            for part in skipLayers.split(separator: ",", omittingEmptySubsequences: false) {
                guard let l = Int(part.trimmingCharacters(in: .whitespaces)), l >= 0 else {
                    throw ValidationError("--skip-layers: '\(part)' is not a block index; give 0-based indices separated by commas, e.g. 3,7")
                }
                set.insert(l)
            }
            skip = .layers(set)
        } else if let skipEvery {
            guard skipEvery >= 2 else { throw ValidationError("--skip-every must be 2 or more (1 would skip every block)") }
            skip = .every(skipEvery)
        }
        return InferenceOptions(kvCache: format, exitLayer: exitLayer, skip: skip)
    }

    func validate() throws { _ = try inferenceOptions() }
}
