import ArgumentParser
import Foundation
import TKAudit
import TKBenchmarks

/// `truthkit audit consistency`: do the model's answers agree across temperatures or paraphrases?
struct ConsistencyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "consistency",
        abstract: "Answer consistency across sampling temperatures or paraphrases, with A2C's re-asking.",
        discussion: """
            Each question is answered with the A2C prompt ("Answer the above question in a single sentence.") at \
            every --temperatures value, or as the question plus --paraphrases N paraphrases (from --paraphrase-file, \
            else written by the model). Consistency = 1/(n(n−1)) Σ_{i≠j} agree(y_i, y_j) with --agreement exact, \
            rouge (ROUGE-L F) or llm (the model asked "Are both of the answers same?"). With A2C (default) the \
            distinct answers are offered back as options ("Choose the correct option"). Answers and the A2C \
            choice are also scored true/false by ROUGE-L against the references.
            """)

    @OptionGroup var model: ModelOption
    @OptionGroup var engine: EngineOptions
    @OptionGroup var backend: BackendOptions
    @OptionGroup var options: AuditDataOptions

    @Option(parsing: .upToNextOption, help: "Sampling temperatures (default: the reference's 0.0 0.2 … 1.8). Ignored with --paraphrases.")
    var temperatures: [Double] = []

    @Option(help: "Answer the question and N paraphrases (greedy) instead of sampling temperatures.")
    var paraphrases: Int?

    @Option(name: .customLong("paraphrase-file"), help: "JSONL of paraphrases: {\"index\": N, \"paraphrases\": [\"…\"]} per line (N: the question's 0-based position).")
    var paraphraseFile: String?

    @Option(help: "Agreement rule: exact, rouge, llm.")
    var agreement: Agreement = .rouge

    @Flag(name: .customLong("no-a2c"), help: "Skip A2C's \"Choose the correct option\" re-asking.")
    var noA2C = false

    @Option(name: .customLong("max-tokens"), help: "Most tokens per answer (answers stop at the first newline).")
    var maxTokens: Int = 64

    @Option(help: "Seed of the sampling.")
    var seed: UInt64 = 0

    func validate() throws {
        if let paraphrases, !(1...20).contains(paraphrases) { throw ValidationError("--paraphrases must be between 1 and 20") }
        if paraphraseFile != nil && paraphrases == nil { throw ValidationError("--paraphrase-file needs --paraphrases N (how many of each item's paraphrases to use)") }
        if paraphrases != nil && !temperatures.isEmpty { throw ValidationError("use either --temperatures or --paraphrases") }
        if temperatures.count == 1 { throw ValidationError("consistency needs at least two answers: give two or more --temperatures") }
        if let bad = temperatures.first(where: { !(0...2).contains($0) }) { throw ValidationError("--temperatures: \(bad) is outside 0…2") }
        guard (1...1024).contains(maxTokens) else { throw ValidationError("--max-tokens must be between 1 and 1024") }
    }

    func run() async throws {
        let dataset = try options.loadDataset()
        let supplied = try paraphraseFile.map(ParaphraseFile.load)
        if let supplied, let unknown = supplied.keys.first(where: { $0 < 0 || $0 >= dataset.items.count }) {
            throw ValidationError("--paraphrase-file: index \(unknown) is outside the data's 0…\(dataset.items.count - 1)")
        }
        let variation: ConsistencyTask.Variation = paraphrases.map { .paraphrases(count: $0) }
            ?? .temperatures(temperatures.isEmpty ? ConsistencyTask.Variation.referenceTemperatures : temperatures)
        // With a paraphrase file, only the questions it covers are asked.
        let items = dataset.items.compactMap { item -> ConsistencyTask.Item? in
            guard let supplied else { return .init(item) }
            return supplied[item.index].map { .init(item, paraphrases: $0) }
        }
        let report = try await AuditCommand.withModel(model, engine, backend) { loaded in
            let task = ConsistencyTask(variation: variation, agreement: agreement, askA2C: !noA2C, prompter: options.prompter(loaded),
                                       maxTokens: maxTokens, seed: seed)
            return try await AuditCommand.execute(task, items: items, source: dataset, loaded: loaded, options: options)
        }
        if options.json { try printJSON(report) } else { print(report.table()) }
    }
}

extension Agreement: ExpressibleByArgument {}
