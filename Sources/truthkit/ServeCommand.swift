import ArgumentParser
import Foundation
import Logging
import TKBackends
import TKEngine
import TKKernels
import TKInterventions
import TKServer

/// `truthkit serve`: the native engine behind an OpenAI-compatible HTTP API.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the model over an OpenAI-compatible HTTP API (/v1/completions, /v1/chat/completions, /v1/models, /health).",
        discussion: """
            Requests share one engine: they wait in a first-come queue and take turns token by token, \
            and a prompt whose beginning is still in a session's cache is not recomputed. \
            SIGTERM or SIGINT stops accepting connections and finishes the requests in flight.
            """)

    @OptionGroup var model: ModelOption
    @OptionGroup var engine: EngineOptions

    @Option(help: "Address to listen on.")
    var host: String = "127.0.0.1"

    @Option(help: "Port to listen on (0 picks a free one and prints it).")
    var port: Int = 8080

    @Option(help: "Require `Authorization: Bearer KEY` on every route except /health.")
    var apiKey: String?

    @Option(help: ArgumentHelp("An intervention applied to every request (`truthkit methods list`): activation methods (iti, steer) edit every forward pass; decoding methods (dola, cd, icd, proxy) decide each generated token — echoed prompt log-probabilities are then refused, since they would be the plain model's.", valueName: "name[:key=value,…]"))
    var intervention: String?

    @Option(help: "Activations of generated tokens' decode steps: float32 (exact, default) or int8 (faster, numbers differ slightly). Prompts, echo and logprobs of the prompt are always float32.")
    var activations: ActivationPrecision = .float32

    @Option(help: "Model id listed by /v1/models (default: the --model value).")
    var modelID: String?

    @Option(help: "Largest request body accepted, in bytes.")
    var maxBodyBytes: Int = 2 << 20

    @Option(help: "Largest prompt accepted per request, in tokens; longer ones get 400 naming the limit (default: the model's context window).")
    var maxPromptTokens: Int?

    @Option(help: "Largest max_tokens accepted.")
    var maxCompletionTokens: Int = 4096

    @Option(help: "Requests that take turns at once (each keeps a KV cache for prefix reuse).")
    var parallel: Int = 4

    @Option(help: "Requests that may wait; more are refused with 503.")
    var maxQueue: Int = 256

    @Option(help: "Seconds a connection may stay idle, or take to send its request head, before it is closed (0: never).")
    var idleTimeout: Double = 30

    @Option(help: "Seconds a request body may take to arrive after its head; slower ones get 408 (0: no limit).")
    var bodyTimeout: Double = 60

    @Option(help: "Most connections open at once; more wait until one closes (0: no limit).")
    var maxConnections: Int = 256

    @Flag(help: "Log each request on stderr.")
    var verbose = false

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535, got \(port)") }
        guard maxBodyBytes >= 1024 else { throw ValidationError("--max-body-bytes must be at least 1024") }
        guard maxPromptTokens.map({ $0 >= 1 }) ?? true else { throw ValidationError("--max-prompt-tokens must be ≥ 1") }
        guard maxCompletionTokens >= 0 else { throw ValidationError("--max-completion-tokens must be ≥ 0") }
        guard (1...64).contains(parallel) else { throw ValidationError("--parallel must be between 1 and 64, got \(parallel)") }
        guard maxQueue >= 1 else { throw ValidationError("--max-queue must be ≥ 1") }
        if let key = apiKey, key.isEmpty { throw ValidationError("--api-key must not be empty") }
        guard idleTimeout.isFinite, idleTimeout >= 0 else { throw ValidationError("--idle-timeout must be a number of seconds ≥ 0 (0: never), got \(idleTimeout)") }
        guard bodyTimeout.isFinite, bodyTimeout >= 0 else { throw ValidationError("--body-timeout must be a number of seconds ≥ 0 (0: no limit), got \(bodyTimeout)") }
        guard maxConnections >= 0 else { throw ValidationError("--max-connections must be ≥ 0 (0: no limit), got \(maxConnections)") }
    }

    func run() async throws {
        let m = try await loadModel(model)
        var hooks = Hooks()
        var decoding: EngineService.DecodingRule?
        if let intervention {
            let spec = try InterventionSpec(parsing: intervention)
            let applied = try MethodRegistry.make(spec, for: m)
            hooks = try applied.hooks(for: m)
            // Decoding methods (DoLa, the contrastive family) get a fresh processor per request.
            if try MethodRegistry.descriptor(named: spec.name).kind != .hooks {
                decoding = { session, text, tokens in
                    try applied.makeProcessor(model: m, session: session, promptText: text, promptTokens: tokens)
                }
            }
            FileHandle.standardError.write(Data("serving with intervention \(intervention)\n".utf8))
        }
        let service = EngineService(model: m, threads: engine.threads, maxActiveSequences: parallel, maxQueuedJobs: maxQueue, hooks: hooks,
                                    decodeActivations: activations, decoding: decoding)
        let config = ServerConfiguration(
            host: host, port: port, apiKey: apiKey, modelID: modelID ?? model.model, maxBodyBytes: maxBodyBytes,
            maxPromptTokens: maxPromptTokens, maxCompletionTokens: maxCompletionTokens,
            idleTimeout: idleTimeout > 0 ? .milliseconds(Int64((idleTimeout * 1000).rounded())) : nil,
            bodyTimeout: bodyTimeout > 0 ? .milliseconds(Int64((bodyTimeout * 1000).rounded())) : nil,
            maxConnections: maxConnections > 0 ? maxConnections : nil)
        var logger = Logger(label: "truthkit.serve")
        logger.logLevel = verbose ? .info : .warning
        let server = OpenAIServer(engine: service, configuration: config)
        let host = self.host
        try await server.run(logger: logger) { port in
            printError("truthkit serve: \(config.modelID) on http://\(host):\(port)/v1 (context \(m.config.contextLength) tokens; Ctrl-C stops)")
        }
        printError("truthkit serve: stopped")
    }
}
