import Hummingbird

/// Refuses requests without the server's key (401, OpenAI-style body). `/health` stays open so
/// load balancers and scripts can probe the server without the key (it then leaves out the model).
struct APIKeyMiddleware<Context: RequestContext>: RouterMiddleware {
    let key: String

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if request.uri.path == "/health" { return try await next(request, context) }
        guard Self.authorizes(request, key: key) else { throw APIError.unauthorized }
        return try await next(request, context)
    }

    /// Whether the request carries `Authorization: Bearer KEY`.
    static func authorizes(_ request: Request, key: String) -> Bool {
        guard let header = request.headers[.authorization] else { return false }
        return constantTimeEqual(Array(header.utf8), Array("Bearer \(key)".utf8))
    }

    /// Compares bytes, not Swift strings (which equate Unicode-equivalent spellings: `café`
    /// written precomposed and as `cafe` + U+0301), in time that depends only on the lengths, so a
    /// client cannot find the key byte by byte from how long a refusal takes.
    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        var difference = UInt8(truncatingIfNeeded: a.count ^ b.count) | UInt8(a.count == b.count ? 0 : 1)
        for i in 0..<max(a.count, b.count) {
            let x = i < a.count ? a[i] : 0
            let y = i < b.count ? b[i] : 0
            difference |= x ^ y
        }
        return difference == 0
    }
}
