import ArgumentParser
import Foundation
import TKBackends
import TKBenchmarks
import TKConsole

/// `truthkit data …`: install benchmark data from pinned sources and show what is installed.
struct DataCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "data",
        abstract: "Install benchmark data (TruthfulQA) and list what is installed.",
        discussion: """
            Data lives in $TRUTHKIT_DATA_DIR if set, else $TRUTHKIT_HOME/data (default \
            ~/.cache/truthkit/data), in one folder per data set (truthfulqa/). Every file is pinned to an \
            upstream commit and a SHA-256; only verified files are installed.
            """,
        subcommands: [Pull.self, List.self],
        defaultSubcommand: List.self
    )

    /// The data directory option shared by the subcommands.
    struct Location: ParsableArguments {
        @Option(
            name: .customLong("data-dir"),
            help: ArgumentHelp("Use this data directory instead of $TRUTHKIT_DATA_DIR / $TRUTHKIT_HOME/data.", valueName: "dir")
        )
        var dataDirectory: String?

        var resolved: DataLocation {
            if let dataDirectory {
                return DataLocation(directory: URL(fileURLWithPath: dataDirectory).standardizedFileURL, chosenBy: "--data-dir")
            }
            return DataLocation.resolve()
        }
    }
}

extension DataCommand {
    /// `truthkit data pull`: download (or import) and verify a data set's files.
    struct Pull: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Download a data set's pinned files (checking each SHA-256), or import them with --from.",
            discussion: """
                Files come from raw.githubusercontent.com at pinned commits (sylinrl/TruthfulQA, with the \
                koppula/TruthfulQA fork as a mirror; hitz-zentroa/truthfulqa-multi), and the JSON sources are \
                converted to JSONL exactly as the reference copies were. Files already installed and verified \
                are kept. With --from DIR, files are copied from DIR (a data directory holding truthfulqa/, or \
                that folder itself) after the same check.
                """
        )

        @Argument(help: ArgumentHelp("The data set (available: \(DataCatalog.all.map(\.name).joined(separator: ", "))).",
                                     valueName: "dataset"))
        var dataset = "truthfulqa"

        @Option(help: ArgumentHelp("Import from this local folder instead of downloading.", valueName: "dir"))
        var from: String?

        @Option(name: .customLong("file"), help: ArgumentHelp(
            "Only this file, by id (repeatable); `truthkit data list` shows the ids.", valueName: "id"
        ))
        var files: [String] = []

        @Option(help: ArgumentHelp(
            "Fetch from this base URL instead of https://raw.githubusercontent.com (laid out as <owner>/<repo>/<commit>/<path>).",
            valueName: "url"
        ))
        var mirror: String?

        @Flag(help: "Fetch or copy again even when a verified file is already installed.")
        var force = false

        @OptionGroup var location: Location

        func validate() throws {
            guard let catalog = DataCatalog.named(dataset) else {
                throw ValidationError(
                    "Unknown data set '\(dataset)'. Available: \(DataCatalog.all.map(\.name).joined(separator: ", "))."
                )
            }
            for id in files where catalog.file(id: id) == nil {
                throw ValidationError(
                    "Unknown file '\(id)' in \(catalog.name). Available: \(catalog.files.map(\.id).joined(separator: ", "))."
                )
            }
            if from != nil && mirror != nil {
                throw ValidationError("Give either --from (a local folder) or --mirror (a server), not both.")
            }
            if let mirror {
                let lower = mirror.lowercased()
                guard lower.hasPrefix("http://") || lower.hasPrefix("https://"), URL(string: mirror)?.host != nil else {
                    throw ValidationError("--mirror needs an http:// or https:// address, got '\(mirror)'.")
                }
            }
            if let from {
                var isDirectory: ObjCBool = false
                guard FileManager.default.fileExists(atPath: from, isDirectory: &isDirectory), isDirectory.boolValue else {
                    throw ValidationError("--from needs a folder, and '\(from)' is not one.")
                }
            }
        }

        func run() async throws {
            let console = ConsoleOutput.standardError
            var catalog = DataCatalog.named(dataset)!
            if let mirror, let base = URL(string: mirror) { catalog = catalog.mirrored(at: base) }
            let selected = files.isEmpty ? catalog.files : catalog.files.filter { files.contains($0.id) }
            let location = location.resolved
            console.write("Data directory: \(location.directory.path) (\(location.chosenBy))\n")

            let downloader = Downloader()
            let installer = DataInstaller(dataDirectory: location.directory) { url, destination in
                _ = try await downloader.download(DownloadRequest(url: url, destination: destination))
            }
            let bar = ProgressBar(label: catalog.name, total: Int64(selected.count), unit: .items(named: "file"), output: console)
            var failures: [any Error] = []
            for file in selected {
                bar.setLabel(file.fileName)
                do {
                    let result: DataInstallResult
                    if let from {
                        result = try installer.importFile(file, from: URL(fileURLWithPath: from), force: force)
                    } else {
                        result = try await installer.pull(file, force: force)
                    }
                    bar.log("\(file.relativePath): \(Self.describe(result)) (\(ProgressUnit.bytes.format(file.size)), SHA-256 verified)")
                } catch is CancellationError {
                    bar.finish("cancelled")
                    throw CancellationError()
                } catch {
                    failures.append(error)
                    bar.log("\(file.relativePath): failed")
                }
                bar.advance()
            }
            bar.setLabel(catalog.name)
            bar.finish(failures.isEmpty ? "done" : "failed")
            guard failures.isEmpty else {
                for failure in failures { console.write("error: \(failure)\n") }
                throw ExitCode.failure
            }
            // The folder alone on stdout, for scripts.
            print(location.directory.appendingPathComponent(catalog.name).path)
        }

        private static func describe(_ result: DataInstallResult) -> String {
            switch result.outcome {
            case .downloaded: return "downloaded"
            case .imported: return "imported from \(result.from.first ?? "?")"
            case .alreadyInstalled: return "already installed"
            }
        }
    }

    /// `truthkit data list`: the pinned files and their state in the data directory.
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the pinned data files, whether each is installed and verified, and where."
        )

        @Flag(help: "Print JSON on stdout instead of a table.")
        var json = false

        @OptionGroup var location: Location

        /// One row of the listing, also its JSON shape.
        private struct Row: Encodable {
            var id: String
            var dataset: String
            var status: String
            var sizeBytes: Int64?
            var rows: Int
            var license: String
            var path: String
            var origin: String
        }

        func run() async throws {
            let location = location.resolved
            var rows: [Row] = []
            for catalog in DataCatalog.all {
                for installed in catalog.installedFiles(in: location.directory) {
                    rows.append(Row(
                        id: installed.file.id, dataset: catalog.name, status: installed.status.rawValue,
                        sizeBytes: installed.size, rows: installed.file.rows, license: installed.file.license,
                        path: installed.url.path, origin: installed.file.origin
                    ))
                }
            }
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                print(String(decoding: try encoder.encode(rows), as: UTF8.self))
                return
            }
            var table = TextTable(columns: [
                .init("ID"), .init("STATUS"), .init("SIZE", alignment: .right), .init("ROWS", alignment: .right),
                .init("LICENSE"), .init("PATH"),
            ])
            for row in rows {
                table.addRow(
                    row.id, row.status, row.sizeBytes.map { ProgressUnit.bytes.format($0) } ?? "-", String(row.rows),
                    row.license, row.path
                )
            }
            print("Data: \(location.directory.path) (\(location.chosenBy))")
            print(table.render())
            let missing = rows.filter { $0.status != "installed" }.count
            if missing > 0 {
                print("\(missing) file(s) not installed or modified; `truthkit data pull truthfulqa` fetches and verifies them.")
            }
        }
    }
}
