import Hummingbird

/// Makes every failure an OpenAI-shaped error (`{"error": {"message", "type", "param", "code"}}`):
/// the server's own `APIError`s pass through; Hummingbird's (no route, a wrong method, a body
/// over the limit) keep their status with a message that names the problem; anything else is a
/// bug, the only thing answered with 500, and is logged.
struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    let maxBodyBytes: Int

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            throw error
        } catch let error as any HTTPResponseError {
            throw APIError.from(error, method: request.method, path: request.uri.path, maxBodyBytes: maxBodyBytes)
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            context.logger.error("internal error serving \(request.method) \(request.uri.path): \(error)")
            throw APIError.internalError(
                "The server failed on \(request.method) \(request.uri.path): \(error). This is a bug in truthkit serve, not in the request; please report it.")
        }
    }
}
