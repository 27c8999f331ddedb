import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

extension ModelError {
    /// The server answered `status` for `url`; the message says what that usually means.
    static func httpStatus(_ status: Int, url: URL, serverMessage: String, attempts: Int) -> ModelError {
        let reason = HTTPURLResponse.localizedString(forStatusCode: status).capitalized
        var message = "GET \(url.absoluteString) answered \(status) \(reason)"
        if attempts > 1 { message += " (after \(attempts) attempts)" }
        message += ". "
        switch status {
        case 401, 403:
            message += "The file needs credentials or access you do not have. For Hugging Face, set HF_TOKEN to "
                + "an access token that can read the repository (and accept the model's licence on its page); "
                + "otherwise check the URL."
        case 404, 410:
            message += "Nothing is there: check the URL, or for a Hugging Face path the owner, repository and "
                + "file name (files are fetched from the main branch)."
        case 429:
            message += "The server is rate-limiting downloads; wait a few minutes and run the command again."
        case 500...599:
            message += "The server is failing; try again later, or fetch the file from another mirror with --url."
        default:
            message += "Check the URL and run the command again."
        }
        let excerpt = serverMessage.trimmingCharacters(in: .whitespacesAndNewlines)
        if !excerpt.isEmpty, !excerpt.hasPrefix("<") {
            message += " The server said: " + String(excerpt.prefix(300))
        }
        return ModelError(.httpStatus, message, url: url, status: status)
    }

    /// The connection failed and retries ran out.
    static func connectionFailed(url: URL, cause: any Error, attempts: Int, partial: URL, kept: Int64) -> ModelError {
        var message = "Could not download \(url.absoluteString): \(Self.describe(cause))"
        if attempts > 1 { message += " (after \(attempts) attempts)" }
        message += ". Check the network connection and the address, then run the command again"
        if kept > 0 {
            message += "; the \(kept) bytes already fetched are kept in \(partial.path) and the next try resumes from there."
        } else {
            message += "."
        }
        return ModelError(.connectionFailed, message, url: url, path: partial.path, cause: cause)
    }

    private static func describe(_ error: any Error) -> String {
        if let urlError = error as? URLError {
            switch urlError.code {
            case .cannotConnectToHost: return "the connection was refused"
            case .timedOut: return "the server stopped answering (timed out)"
            case .networkConnectionLost: return "the connection broke before the file was complete"
            case .cannotFindHost, .dnsLookupFailed: return "the host name could not be resolved"
            case .notConnectedToInternet: return "there is no network connection"
            default: break
            }
        }
        if let failure = error as? DownloadIncomplete {
            return "the server closed the connection after \(failure.received) of \(failure.expected) bytes"
        }
        return error.localizedDescription
    }
}

/// The body ended cleanly but short of the length the server announced.
struct DownloadIncomplete: Error {
    var received: Int64
    var expected: Int64
}
