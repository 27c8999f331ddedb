import ArgumentParser
import Foundation
import TKEngine
import TKKernels
import TKInterventions
import TKBackends

/// `truthkit generate`: continue a prompt with the native engine, streaming text to stdout.
struct GenerateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Continue a prompt (greedy by default; sampled with --temperature).")

    @OptionGroup var model: ModelOption
    @OptionGroup var engine: EngineOptions
    @OptionGroup var efficiency: EfficiencyOptions

    @Argument(help: "The prompt text.")
    var prompt: String

    @Option(help: "Most tokens to generate.")
    var maxTokens: Int = 128

    @Option(help: "Sampling temperature; 0 is greedy.")
    var temperature: Double = 0

    @Option(help: "Keep only the k most likely tokens (0 = all).")
    var topK: Int = 0

    @Option(help: "Keep the smallest set of tokens whose probability reaches p (1 = all).")
    var topP: Double = 1

    @Option(help: "Seed for sampling, so a sampled run can be repeated exactly.")
    var seed: UInt64 = 0

    @Option(name: .customLong("stop"), help: "Stop when this text is produced (repeatable).")
    var stops: [String] = []

    @Option(help: ArgumentHelp("An intervention applied while generating, e.g. dola:layers=high, icd, iti:file=FIT.json,alpha=15,k=48.", valueName: "name[:key=value,…]"))
    var intervention: String?

    @Option(help: "Activations of the decode steps: float32 (exact, default) or int8 (quantised per block like llama.cpp's: faster, numbers differ slightly; the prompt stays float32).")
    var activations: ActivationPrecision = .float32

    @Flag(help: "Parse special tokens written in the prompt (e.g. <|im_start|>).")
    var parseSpecial = false

    @Flag(help: "Print one JSON object with the text, tokens and finish reason instead of streaming.")
    var json = false

    func validate() throws {
        guard maxTokens >= 0 else { throw ValidationError("--max-tokens must be ≥ 0") }
        try SamplingSettings(temperature: temperature, topK: topK, topP: topP, seed: seed).validate()
        if let intervention {
            do { _ = try InterventionSpec(parsing: intervention) } catch { throw ValidationError("--intervention: \(error)") }
        }
    }

    struct Output: Encodable {
        var text: String
        var tokens: [Int32]
        var finish_reason: String
        var prompt_tokens: Int
        var tokens_per_s: Double
    }

    func run() async throws {
        let m = try await loadModel(model)
        let ids = m.tokenizer.encode(prompt, addSpecial: true, parseSpecial: parseSpecial)
        let options = try efficiency.inferenceOptions()
        try options.validate(for: m.config)
        let session = InferenceSession(model: m, threads: engine.threads, options: options)
        // Built before generating, so an incompatible intervention fails before any output.
        let applied = try intervention.map { try MethodRegistry.make(try InterventionSpec(parsing: $0), for: m) }
        let request = GenerationRequest(prompt: ids, maxTokens: maxTokens,
                                        sampling: SamplingSettings(temperature: temperature, topK: topK, topP: topP, seed: seed),
                                        stopSequences: stops, activations: activations)
        let start = Date()
        let result = try session.generate(
            request, hooks: try applied?.hooks(for: m) ?? Hooks(),
            processor: try applied?.makeProcessor(model: m, session: session, promptText: prompt, promptTokens: ids)
        ) { piece in
            if !json {
                FileHandle.standardOutput.write(Data(piece.utf8))
            }
            return true
        }
        let seconds = Date().timeIntervalSince(start)
        let rate = Double(result.tokens.count) / max(seconds, 1e-9)
        if json {
            try printJSON(Output(text: result.text, tokens: result.tokens, finish_reason: result.finishReason.rawValue,
                                 prompt_tokens: result.promptTokens, tokens_per_s: rate))
        } else {
            print("")
            printError("[\(result.tokens.count) tokens, \(String(format: "%.1f", rate)) tokens/s, finish: \(result.finishReason.rawValue)]")
        }
    }
}

extension ActivationPrecision: ExpressibleByArgument {}
