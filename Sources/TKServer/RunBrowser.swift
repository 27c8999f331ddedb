import Foundation
import Hummingbird
import Logging
import TKReports
import TKStore

/// `truthkit view`: the run store as read-only web pages — `GET /runs` lists the runs, `GET /runs/ID`
/// is that run's report, `GET /runs/compare?ids=1,2` a comparison — the same HTML `truthkit report`
/// writes. Bound to 127.0.0.1 unless told otherwise; with a key, every page asks for it
/// (`Authorization: Bearer KEY`, or `?key=KEY` from a browser, which the page's links carry on).
public struct RunBrowser: Sendable {
    public let storePath: String
    public var host: String
    public var port: Int
    public var apiKey: String?

    public init(storePath: String, host: String = "127.0.0.1", port: Int = 8090, apiKey: String? = nil) {
        self.storePath = storePath
        self.host = host
        self.port = port
        self.apiKey = apiKey
    }

    public func makeRouter() -> Router<BasicRequestContext> {
        let router = Router()
        if let apiKey { router.add(middleware: BrowserKeyMiddleware(key: apiKey)) }
        router.get("/") { request, _ in Response(status: .seeOther, headers: [.location: "/runs" + Self.keyQuery(request)]) }
        router.get("/runs") { request, _ in try self.list(request) }
        router.get("/runs/compare") { request, _ in try self.report(ids: Self.ids(request.uri.queryParameters.get("ids") ?? ""), request) }
        router.get("/runs/{id}") { request, context in
            guard let id = context.parameters.get("id", as: Int64.self) else {
                return Self.page(status: .badRequest, "<p>Run ids are whole numbers; see <a href=\"/runs\(Self.keyQuery(request))\">the list of runs</a>.</p>")
            }
            return try self.report(ids: [id], request)
        }
        return router
    }

    /// The store, opened per request so runs written meanwhile show up; nil when none exists yet.
    func store() throws -> ResultStore? {
        FileManager.default.fileExists(atPath: storePath) ? try ResultStore(path: storePath) : nil
    }

    func list(_ request: Request) throws -> Response {
        let runs = try store()?.listRuns() ?? []
        let key = Self.keyQuery(request)
        guard !runs.isEmpty else { return Self.page("<h1>Runs</h1><p>No runs yet in \(HTML.escape(storePath)). `truthkit eval` stores its runs there.</p>") }
        var rows = ""
        for run in runs.reversed() {
            rows += "<tr><td class=\"num\"><a href=\"/runs/\(run.id)\(key)\">\(run.id)</a></td><td>\(HTML.escape(ReportFormat.timestamp(run.createdAt)))</td>"
                + "<td>\(HTML.escape(run.key.modelName))</td><td>\(HTML.escape(run.key.task))</td><td>\(HTML.escape(run.status.rawValue))</td>"
                + "<td class=\"num\">\(run.completedCount)/\(run.itemCount)</td></tr>"
        }
        return Self.page("<h1>Runs</h1><p>\(HTML.escape(storePath)) · compare two runs at /runs/compare?ids=A,B</p>"
            + "<table class=\"tk-table\"><thead><tr><th>id</th><th>created</th><th>model</th><th>task</th><th>status</th><th>items</th></tr></thead><tbody>\(rows)</tbody></table>")
    }

    func report(ids: [Int64], _ request: Request) throws -> Response {
        guard !ids.isEmpty else {
            return Self.page(status: .badRequest, "<p>Name the runs to compare: /runs/compare?ids=1,2.</p>")
        }
        let (report, problems) = try RunReport.build(ids: ids, store: try store(), storePath: storePath)
        var html = report.render()
        let key = Self.keyQuery(request)
        if !key.isEmpty { html = html.replacingOccurrences(of: "href=\"/runs", with: "href=\"/runs\(key)") }
        return Self.html(html, status: problems.count == ids.count ? .notFound : .ok)
    }

    static func ids(_ text: String) -> [Int64] { text.split(separator: ",").compactMap { Int64($0.trimmingCharacters(in: .whitespaces)) } }

    /// `?key=…` when the request authenticated that way, so links keep working.
    static func keyQuery(_ request: Request) -> String {
        guard let key = request.uri.queryParameters.get("key") else { return "" }
        return "?key=" + (key.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")
    }

    static func page(status: HTTPResponse.Status = .ok, _ body: String) -> Response {
        html("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>TruthKit runs</title><style>\(HTMLReport.css)</style></head><body>\(body)</body></html>", status: status)
    }

    static func html(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "text/html; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    /// Serves until SIGINT/SIGTERM.
    public func run(logger: Logger = Logger(label: "truthkit.view"), onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        let app = Application(router: makeRouter(), configuration: .init(address: .hostname(host, port: port), serverName: "truthkit"),
                              onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? port) }, logger: logger)
        try await app.runService()
    }
}

/// 401 without the key, as a page a person can read; the key comes as a bearer token or `?key=`.
struct BrowserKeyMiddleware<Context: RequestContext>: RouterMiddleware {
    let key: String

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if APIKeyMiddleware<Context>.authorizes(request, key: key) { return try await next(request, context) }
        if let given = request.uri.queryParameters.get("key"),
           APIKeyMiddleware<Context>.constantTimeEqual(Array(given.utf8), Array(key.utf8)) {
            return try await next(request, context)
        }
        return RunBrowser.page(status: .unauthorized, "<h1>Key required</h1><p>This run browser was started with an API key. Open it as /runs?key=KEY, or send <code>Authorization: Bearer KEY</code>.</p>")
    }
}
