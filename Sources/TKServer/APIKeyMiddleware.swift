import Hummingbird

/// Refuses requests without the server's key (401, OpenAI-style body). `/health` stays open so
/// load balancers and scripts can probe the server without the key.
struct APIKeyMiddleware<Context: RequestContext>: RouterMiddleware {
    let key: String

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if request.uri.path == "/health" { return try await next(request, context) }
        guard let header = request.headers[.authorization], header == "Bearer \(key)" else {
            throw APIError.unauthorized
        }
        return try await next(request, context)
    }
}
