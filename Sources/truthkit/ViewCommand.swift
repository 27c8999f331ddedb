import ArgumentParser
import Foundation
import TKServer

/// `truthkit view`: browse the run store's reports in a web browser, read-only.
struct ViewCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "view",
        abstract: "Serve the run store's reports read-only at http://HOST:PORT/runs (the pages `truthkit report` writes).",
        discussion: "GET /runs lists runs, /runs/ID shows one, /runs/compare?ids=A,B compares two. Localhost only unless --host says otherwise."
    )

    @OptionGroup var options: RunsCommand.StoreOptions

    @Option(help: "Address to bind; 0.0.0.0 exposes the runs to the network (set --api-key then).")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on (0 picks a free one).")
    var port = 8090

    @Option(name: .customLong("api-key"), help: "Require this key: `Authorization: Bearer KEY`, or ?key=KEY in the browser (default: $TRUTHKIT_API_KEY).")
    var apiKey: String?

    func run() async throws {
        let key = apiKey ?? ProcessInfo.processInfo.environment["TRUTHKIT_API_KEY"]
        let browser = RunBrowser(storePath: options.path, host: host, port: port, apiKey: key?.isEmpty == false ? key : nil)
        try await browser.run { port in
            printError("run browser on http://\(browser.host):\(port)/runs\(key == nil ? "" : "?key=…") (store \(browser.storePath)); Ctrl-C stops it")
        }
    }
}
