import ArgumentParser
import Foundation
import TKEngine

/// `truthkit logprobs`: per-token log-probabilities of a text, for checking the engine against
/// other tools token by token.
struct LogprobsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "logprobs",
        abstract: "Print each token of a text with its log-probability given the tokens before it.")

    @OptionGroup var model: ModelOption
    @OptionGroup var engine: EngineOptions

    @Option(help: "The text to score.")
    var text: String

    @Flag(help: "Parse special tokens written in the text (e.g. <|im_start|>), as llama.cpp's `special` flag.")
    var parseSpecial = false

    @Flag(help: "Print JSON on stdout: {\"tokens\":[{\"id\",\"text\",\"logprob\"},…]}.")
    var json = false

    struct Entry: Encodable {
        var id: Int32
        var text: String
        var logprob: Double?

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(id, forKey: .id)
            try c.encode(text, forKey: .text)
            try c.encode(logprob, forKey: .logprob)  // explicit null for the first token
        }

        enum CodingKeys: String, CodingKey { case id, text, logprob }
    }

    struct Output: Encodable {
        var tokens: [Entry]
    }

    func run() async throws {
        let m = try await loadModel(model)
        let ids = m.tokenizer.encode(text, addSpecial: true, parseSpecial: parseSpecial)
        guard !ids.isEmpty else { throw ValidationError("the text tokenizes to nothing; give a non-empty --text") }
        let session = InferenceSession(model: m, threads: engine.threads)
        let lps = try session.scoreSequence(ids)
        let entries = ids.enumerated().map { i, id in
            Entry(id: id, text: m.tokenizer.tokenText(id), logprob: i == 0 ? nil : Double(lps[i - 1]))
        }
        if json {
            try printJSON(Output(tokens: entries))
        } else {
            for e in entries {
                let lp = e.logprob.map { String(format: "%10.4f", $0) } ?? "         -"
                print("\(String(e.id).padding(toLength: 7, withPad: " ", startingAt: 0)) \(lp)  \(e.text.debugDescription)")
            }
            let total = lps.reduce(0, +)
            print("total \(String(format: "%.4f", total)) nats over \(lps.count) predicted tokens")
        }
    }
}
