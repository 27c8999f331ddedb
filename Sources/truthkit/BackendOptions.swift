import ArgumentParser
import Foundation
import TKBackends
import TKBenchmarks
import TKEngine
import TKEvalCore
import TKInterventions
import TKKernels

/// `--backend` and its options: the native engine on a GGUF file, or any OpenAI-compatible server
/// (vLLM, llama.cpp's server, Ollama, `truthkit serve`, a hosted API).
struct BackendOptions: ParsableArguments {
    enum Kind: String, ExpressibleByArgument, CaseIterable {
        case native, openai
    }

    @Option(help: "Where the model runs: native (this process, a GGUF file) or openai (an OpenAI-compatible server; --model is then the served model name).")
    var backend: Kind = .native

    @Option(name: .customLong("base-url"), help: ArgumentHelp("OpenAI backend: the server's base URL, e.g. http://127.0.0.1:8080/v1 (default: $OPENAI_BASE_URL).", valueName: "url"))
    var baseURL: String?

    @Option(name: .customLong("endpoint"), help: ArgumentHelp("OpenAI backend: another replica serving the same model; repeat for a fleet (used round-robin with health checks).", valueName: "url"))
    var endpoints: [String] = []

    @Option(name: .customLong("api-key"), help: ArgumentHelp("OpenAI backend: API key (default: $OPENAI_API_KEY).", valueName: "key"))
    var apiKey: String?

    @Option(help: "OpenAI backend: most requests in flight at once.")
    var concurrency: Int = 8

    @Option(help: "OpenAI backend: endpoint for generation, completions or chat (scoring always uses completions with echo).")
    var api: OpenAIAPI = .completions

    @Option(name: .customLong("request-timeout"), help: "OpenAI backend: seconds one HTTP request may take.")
    var requestTimeout: Int = 120

    @Option(help: ArgumentHelp("Native backend: an intervention, e.g. dola:layers=high, icd, cd:amateur=PATH,beta=0.5, iti:file=FIT.json,alpha=15,k=48, steer:file=FIT.json,alpha=4. With eval (multiple choice or generation) the baseline is scored beside it on the same (held-out) items.", valueName: "name[:key=value,…]"))
    var intervention: String?

    @Option(help: "Native backend: activations of generated tokens' decode steps — float32 (exact, default) or int8 (faster; numbers differ slightly, recorded in the run's settings). Scoring is always float32.")
    var activations: ActivationPrecision = .float32

    /// The run-key settings `--activations` adds (none for the default).
    var activationSettings: [String: String] { activations == .float32 ? [:] : ["activations": activations.rawValue] }

    func validate() throws {
        if activations != .float32 && backend != .native {
            throw ValidationError("--activations applies to the native backend; a server decides its own arithmetic")
        }
        guard concurrency >= 1 else { throw ValidationError("--concurrency must be at least 1") }
        guard requestTimeout >= 1 else { throw ValidationError("--request-timeout must be at least 1 second") }
        if backend == .native && (baseURL != nil || !endpoints.isEmpty) {
            throw ValidationError("--base-url and --endpoint need --backend openai")
        }
        if let intervention {
            guard backend == .native else { throw ValidationError("--intervention needs the native backend (it edits the engine's activations or logits)") }
            do { _ = try InterventionSpec(parsing: intervention) } catch { throw ValidationError("--intervention: \(error)") }
        }
    }

    /// Loads the model `--model` names on the chosen backend; `inference` (KV-cache format, early
    /// exit, layer skipping) applies to the native engine and joins the run key's settings.
    func makeModel(_ option: ModelOption, engine: EngineOptions, inference: InferenceOptions = .standard) async throws -> LoadedModel {
        if backend != .native && !inference.isStandard {
            throw ValidationError("--kv-cache, --exit-layer and --skip-layers/--skip-every apply to the native backend; a server runs its own cache and layers")
        }
        switch backend {
        case .native:
            let path = try await option.resolvedPath()
            printError("loading \(path)")
            let native = try NativeModel.load(path: path, threads: engine.threads,
                                              intervention: try intervention.map(InterventionSpec.init(parsing:)), options: inference)
            await native.setGenerationActivations(activations)
            var settings = ["backend": "native"].merging(activationSettings) { a, _ in a }
            settings.merge(inference.settings) { a, _ in a }
            if let intervention { settings["intervention"] = intervention }
            return LoadedModel(model: native, settings: settings,
                               chatRenderer: try GGUFChatRenderer(tokenizer: native.model.tokenizer),
                               counters: { (await native.computedTokens, await native.fromScratchTokens) })
        case .openai:
            var urls: [URL] = []
            for text in (baseURL.map { [$0] } ?? []) + endpoints {
                guard let url = URL(string: text), url.scheme != nil else {
                    throw ValidationError("'\(text)' is not a URL; give the server's base URL, e.g. http://127.0.0.1:8080/v1")
                }
                urls.append(url)
            }
            var configuration = try OpenAIConfiguration.fromEnvironment(
                model: option.model, endpoints: urls, apiKey: apiKey, concurrency: concurrency, api: api)
            configuration.timeout = .seconds(requestTimeout)
            printError("connecting to \(configuration.endpoints.map(\.absoluteString).joined(separator: ", ")) (model \(option.model))")
            let remote = try await OpenAIModel.connect(configuration)
            return LoadedModel(model: remote, settings: ["backend": "openai", "api": api.rawValue], chatRenderer: nil,
                               close: { try? await remote.shutdown() })
        }
    }
}

extension OpenAIAPI: ExpressibleByArgument {}

/// A model ready to evaluate, with what the report needs from its backend.
struct LoadedModel {
    var model: any LanguageModel
    /// Backend settings that change results (recorded in the run key).
    var settings: [String: String]
    /// The model's chat template, when the backend can render it locally.
    var chatRenderer: (any ChatRenderer)?
    var counters: @Sendable () async -> (computed: Int, fromScratch: Int) = { (0, 0) }
    var close: @Sendable () async -> Void = {}

    func tokenCounters() async -> (computed: Int, fromScratch: Int) { await counters() }
    func shutdown() async { await close() }
}
