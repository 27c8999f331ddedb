import Crypto
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Synchronization

/// What one HTTP request of a download ended with.
enum TransferOutcome: Sendable {
    /// The body arrived and was appended to the partial file, which now hashes to `sha256`.
    case body(status: Int, written: Int64, total: Int64?, sha256: String)
    /// An error status, with the start of the server's explanation.
    case errorStatus(status: Int, message: String, retryAfter: String?)
    /// 416: the resume offset lies at or past the end; `total` from `Content-Range: bytes */N`.
    case rangeNotSatisfiable(total: Int64?)
    /// 206 for a different range than the one asked for.
    case unexpectedRange
}

/// The connection failed during a request (refused, reset, closed mid-body, timed out).
struct TransferFailure: Error {
    var underlying: any Error
    /// Bytes in the partial file when it broke; they are kept for the next attempt.
    var written: Int64
}

/// Receives one request's response and body from URLSession and writes the body straight to the
/// partial file, hashing as it goes, so a model is never held in memory.
///
/// URLSession calls it on a serial delegate queue; the mutex is there because Swift cannot see
/// that, and costs nothing uncontended.
final class TransferDelegate: NSObject, URLSessionDataDelegate, Sendable {
    private enum Mode {
        case waitingForResponse
        case writing
        case collectingError
        case rejected(TransferOutcome)
    }

    private struct State {
        var continuation: CheckedContinuation<TransferOutcome, any Error>?
        var mode: Mode = .waitingForResponse
        var file: FileHandle?
        var hasher: SHA256
        var written: Int64
        var total: Int64?
        var status = 0
        var errorBody = Data()
        var retryAfter: String?
        var writeError: (any Error)?
    }

    /// The most of an error body kept for the message; servers sometimes send whole HTML pages.
    private static let errorBodyLimit = 2048

    private let partialURL: URL
    private let resumeOffset: Int64
    private let progress: (@Sendable (DownloadProgress) -> Void)?
    private let state: Mutex<State>

    /// - Parameter resumeOffset: Bytes already in the partial file, asked for with
    ///   `Range: bytes=N-`. They are hashed again here rather than trusted from a saved state:
    ///   the partial file is the only record that survives a crash.
    init(partialURL: URL, resumeOffset: Int64, progress: (@Sendable (DownloadProgress) -> Void)?) throws {
        self.partialURL = partialURL
        self.resumeOffset = resumeOffset
        self.progress = progress
        let hasher = try resumeOffset > 0 ? FileDigest.hasher(for: partialURL, length: resumeOffset).0 : SHA256()
        self.state = Mutex(State(hasher: hasher, written: resumeOffset))
    }

    func start(_ continuation: CheckedContinuation<TransferOutcome, any Error>) {
        state.withLock { $0.continuation = continuation }
    }

    func urlSession(
        _ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
        completionHandler: @escaping (URLSession.ResponseDisposition) -> Void
    ) {
        guard let http = response as? HTTPURLResponse else {
            completionHandler(.cancel)
            return
        }
        let status = http.statusCode
        let report: DownloadProgress? = state.withLock { state in
            state.status = status
            switch status {
            case 200, 206:
                var start: Int64 = 0
                if status == 206 {
                    let range = Self.header("Content-Range", in: http).flatMap(ContentRange.init(header:))
                    guard let range, range.start == resumeOffset else {
                        state.mode = .rejected(.unexpectedRange)
                        return nil
                    }
                    start = resumeOffset
                    state.total = range.total ?? (http.expectedContentLength >= 0 ? resumeOffset + http.expectedContentLength : nil)
                } else {
                    // A 200 answers with the whole file even when a range was asked for, so
                    // whatever the partial file held is dropped and the hash starts over.
                    state.hasher = SHA256()
                    state.total = http.expectedContentLength >= 0 ? http.expectedContentLength : nil
                }
                do {
                    if !FileManager.default.fileExists(atPath: partialURL.path) {
                        guard FileManager.default.createFile(atPath: partialURL.path, contents: nil) else {
                            throw CocoaError(.fileWriteNoPermission)
                        }
                    }
                    let handle = try FileHandle(forWritingTo: partialURL)
                    try handle.truncate(atOffset: UInt64(start))
                    try handle.seekToEnd()
                    state.file = handle
                    state.written = start
                    state.mode = .writing
                } catch {
                    state.writeError = error
                    state.mode = .rejected(.unexpectedRange)
                    return nil
                }
                return DownloadProgress(completed: start, total: state.total, resumedFrom: start)
            case 416:
                let range = Self.header("Content-Range", in: http).flatMap(ContentRange.init(header:))
                state.mode = .rejected(.rangeNotSatisfiable(total: range?.total))
                return nil
            default:
                state.mode = .collectingError
                state.retryAfter = Self.header("Retry-After", in: http)
                return nil
            }
        }
        let proceed = state.withLock { state -> Bool in
            if case .rejected = state.mode { return false }
            return true
        }
        if let report { progress?(report) }
        completionHandler(proceed ? .allow : .cancel)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        let report: DownloadProgress? = state.withLock { state in
            switch state.mode {
            case .writing:
                do {
                    try state.file?.write(contentsOf: data)
                } catch {
                    state.writeError = error
                    dataTask.cancel()
                    return nil
                }
                state.hasher.update(data: data)
                state.written += Int64(data.count)
                return DownloadProgress(completed: state.written, total: state.total, resumedFrom: resumeOffset)
            case .collectingError:
                let room = Self.errorBodyLimit - state.errorBody.count
                if room > 0 { state.errorBody.append(data.prefix(room)) }
                return nil
            case .waitingForResponse, .rejected:
                return nil
            }
        }
        if let report { progress?(report) }
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?) {
        let (continuation, result): (CheckedContinuation<TransferOutcome, any Error>?, Result<TransferOutcome, any Error>) =
            state.withLock { state in
                try? state.file?.close()
                state.file = nil
                let continuation = state.continuation
                state.continuation = nil
                if let writeError = state.writeError {
                    return (continuation, .failure(ModelError(
                        .fileSystem,
                        "Cannot write \(partialURL.path): \(writeError.localizedDescription). Free some disk space "
                            + "or set TRUTHKIT_HOME to a writable folder, then run the command again.",
                        path: partialURL.path, cause: writeError
                    )))
                }
                switch state.mode {
                case .rejected(let outcome):
                    return (continuation, .success(outcome))
                case .collectingError:
                    let message = String(decoding: state.errorBody, as: UTF8.self)
                    return (continuation, .success(.errorStatus(status: state.status, message: message, retryAfter: state.retryAfter)))
                case .writing:
                    if let error {
                        return (continuation, .failure(TransferFailure(underlying: error, written: state.written)))
                    }
                    let digest = FileDigest.hex(state.hasher.finalize())
                    return (continuation, .success(.body(
                        status: state.status, written: state.written, total: state.total, sha256: digest
                    )))
                case .waitingForResponse:
                    let failure = error ?? URLError(.badServerResponse)
                    return (continuation, .failure(TransferFailure(underlying: failure, written: state.written)))
                }
            }
        continuation?.resume(with: result)
    }

    /// A response header by name, in any case.
    private static func header(_ name: String, in response: HTTPURLResponse) -> String? {
        let key = name.lowercased()
        for (field, value) in response.allHeaderFields {
            if let field = field as? String, field.lowercased() == key { return value as? String }
        }
        return nil
    }
}
