import ArgumentParser
import TKBackends

/// `truthkit methods list`: every method `--intervention` takes, from the registry's declarations.
struct MethodsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "methods", abstract: "The truthfulness methods --intervention applies.",
        subcommands: [List.self], defaultSubcommand: List.self)

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List every method with its parameters and defaults.")

        @Flag(help: "Print the methods as JSON on stdout.")
        var json = false

        struct Entry: Encodable {
            struct Parameter: Encodable {
                var name: String
                var values: String
                var defaultValue: String?
                var required: Bool
                var help: String
            }

            var name: String
            var summary: String
            var kind: String
            var fitted: Bool
            var fitCommand: String?
            var usage: String
            var parameters: [Parameter]
        }

        func run() async throws {
            guard json else {
                print(MethodRegistry.listing())
                return
            }
            try printJSON(MethodRegistry.methods.map { m in
                Entry(name: m.name, summary: m.summary, kind: m.kind.rawValue, fitted: m.isFitted, fitCommand: m.fitCommand, usage: m.usage,
                      parameters: m.parameters.map { .init(name: $0.name, values: $0.valueSyntax, defaultValue: $0.defaultValue,
                                                          required: $0.required, help: $0.help) })
            })
        }
    }
}
