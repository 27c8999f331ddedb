import ArgumentParser
import Foundation
import TKAudit
import TKBenchmarks

/// `truthkit audit contamination`: TS-Guessing (Deng et al.) on TruthfulQA.
struct ContaminationCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "contamination",
        abstract: "TS-Guessing: can the model fill in a masked word of a question, or a blanked wrong option?",
        discussion: """
            question: one noun or adjective of each question (more than 4 words, not Indexical Error) is \
            replaced by () and the model names it; exact match on the lower-cased first word. url-hint: the \
            same with the item's source URL (the word removed) as a hint. multichoice: best answer and three \
            incorrect ones shuffled, one incorrect blanked as []; ROUGE-1/2/L against the unseen incorrect \
            answers. Temperature 0.1 as the reference; every run is stored and resumable.
            """)

    enum Variant: String, ExpressibleByArgument, CaseIterable {
        case question, urlHint = "url-hint", multichoice, all
    }

    @OptionGroup var model: ModelOption
    @OptionGroup var engine: EngineOptions
    @OptionGroup var backend: BackendOptions
    @OptionGroup var options: AuditDataOptions

    @Option(help: "question, url-hint, multichoice, or all.")
    var variant: Variant = .all

    @Option(help: "Seed of the masked word, the option shuffle and the sampling.")
    var seed: UInt64 = 0

    @Option(help: "Sampling temperature (the reference: 0.1).")
    var temperature: Double = 0.1

    @Option(name: .customLong("max-tokens"), help: "Most tokens per reply (the reference: 128; exact match reads only the first word).")
    var maxTokens: Int = 128

    @Option(help: "WordNet's dict folder (index.noun, index.adj, …), the part-of-speech lexicon.")
    var wordnet: String = WordNetLexicon.defaultDirectory

    func validate() throws {
        guard (0...2).contains(temperature) else { throw ValidationError("--temperature must be between 0 and 2") }
        guard (1...4096).contains(maxTokens) else { throw ValidationError("--max-tokens must be between 1 and 4096") }
    }

    func run() async throws {
        let dataset = try options.loadDataset()
        let lexicon = variant == .multichoice ? nil : try WordNetLexicon(directory: wordnet)
        let reports = try await AuditCommand.withModel(model, engine, backend) { loaded in
            let prompter = options.prompter(loaded)
            var reports: [AuditReport] = []
            for hint in [false, true] where variant == .all || variant == (hint ? .urlHint : .question) {
                let built = TSGuessingQuestionTask.items(from: dataset.items, masker: QuestionMasker(lexicon: lexicon!, seed: seed), useURLHint: hint)
                let task = TSGuessingQuestionTask(useURLHint: hint, prompter: prompter, temperature: temperature, maxTokens: maxTokens, seed: seed)
                reports.append(try await AuditCommand.execute(task, items: built.items, source: dataset, loaded: loaded,
                                                              options: options, excluded: built.excluded))
            }
            if variant == .all || variant == .multichoice {
                var excluded: [String: Int] = [:]
                let items = dataset.items.compactMap { item in
                    let built = TSGuessingChoiceTask.item(item, seed: seed)
                    if built == nil { excluded["fewer than 3 incorrect answers", default: 0] += 1 }
                    return built
                }
                let task = TSGuessingChoiceTask(prompter: prompter, temperature: temperature, maxTokens: maxTokens, seed: seed)
                reports.append(try await AuditCommand.execute(task, items: items, source: dataset, loaded: loaded, options: options, excluded: excluded))
            }
            return reports
        }
        if options.json {
            if reports.count == 1 { try printJSON(reports[0]) } else { try printJSON(["variants": reports]) }
        } else {
            print(reports.map { $0.table() }.joined(separator: "\n\n"))
        }
    }
}
