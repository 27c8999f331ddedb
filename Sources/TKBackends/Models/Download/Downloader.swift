import Crypto
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Fetches large files over HTTP(S) into place, resumably and verified.
///
/// Bytes stream to `<destination>.partial`. When a partial file is already there (an earlier
/// attempt or an interrupted run) the request asks for the rest with `Range: bytes=N-`; a 206
/// continues the file, a 200 (a server that ignores ranges) starts it over, and a 416 means the
/// partial may already be whole and is checked as it stands. Once complete, the length and
/// SHA-256 are checked when known, and only then is the file renamed to its final name, so the
/// final path either does not exist or holds a verified file. A failed check deletes the
/// partial file, since resuming from bad bytes would fail again.
///
/// URLSession (FoundationNetworking, libcurl underneath on Linux) is used through its delegate:
/// the async `bytes(for:)` API does not exist on Linux, and the delegate lets each chunk go
/// straight to disk and into the hash.
public struct Downloader: Sendable {
    public var retryPolicy: RetryPolicy
    /// Seconds without any data before a request is abandoned (and retried).
    public var idleTimeout: TimeInterval

    public init(retryPolicy: RetryPolicy = .standard, idleTimeout: TimeInterval = 60) {
        self.retryPolicy = retryPolicy
        self.idleTimeout = idleTimeout
    }

    /// Downloads `request.url` to `request.destination`.
    ///
    /// - Parameter progress: Called as bytes arrive (from a background thread).
    /// - Throws: `ModelError` with code `httpStatus` (404, 401, 500 after retries …),
    ///   `connectionFailed` (retries ran out; the partial file is kept), `checksumMismatch` or
    ///   `sizeMismatch` (the partial file is deleted), `fileSystem`; `CancellationError` when
    ///   the task is cancelled (the partial file is kept for a later resume).
    public func download(
        _ request: DownloadRequest, progress: (@Sendable (DownloadProgress) -> Void)? = nil
    ) async throws -> DownloadResult {
        if let expected = request.expectedSHA256, !FileDigest.isValidSHA256(expected) {
            throw ModelError(
                .invalidSpecification,
                "'\(expected)' is not a SHA-256 checksum; give 64 hexadecimal digits.", url: request.url
            )
        }
        let partial = request.partialURL
        do {
            try FileManager.default.createDirectory(
                at: request.destination.deletingLastPathComponent(), withIntermediateDirectories: true
            )
        } catch {
            throw ModelError(
                .fileSystem,
                "Cannot create \(request.destination.deletingLastPathComponent().path): \(error.localizedDescription). "
                    + "Set TRUTHKIT_HOME to a writable folder.",
                path: request.destination.path, cause: error
            )
        }

        var requests = 0
        var failures = 0
        var restarts = 0
        while true {
            try Task.checkCancellation()
            var offset = Self.fileSize(partial)
            if let expectedSize = request.expectedSize, offset > expectedSize {
                try? FileManager.default.removeItem(at: partial)
                offset = 0
            }
            requests += 1

            let outcome: TransferOutcome
            do {
                outcome = try await transfer(request, offset: offset, progress: progress)
            } catch let failure as TransferFailure {
                if Task.isCancelled { throw CancellationError() }
                failures += 1
                guard failures < retryPolicy.maxAttempts, Self.isTransient(failure.underlying) else {
                    throw ModelError.connectionFailed(
                        url: request.url, cause: failure.underlying, attempts: requests, partial: partial, kept: failure.written
                    )
                }
                try await Task.sleep(for: retryPolicy.delay(afterAttempt: failures))
                continue
            }

            switch outcome {
            case .body(let status, let written, let total, let digest):
                if let total, written < total {
                    failures += 1
                    let cause = DownloadIncomplete(received: written, expected: total)
                    guard failures < retryPolicy.maxAttempts else {
                        throw ModelError.connectionFailed(url: request.url, cause: cause, attempts: requests, partial: partial, kept: written)
                    }
                    try await Task.sleep(for: retryPolicy.delay(afterAttempt: failures))
                    continue
                }
                return try finish(
                    request, size: written, digest: digest, resumedBytes: status == 206 ? offset : 0, attempts: requests
                )
            case .rangeNotSatisfiable(let total):
                if offset > 0, let total, total == offset {
                    // The partial file already holds every byte; an earlier run stopped just
                    // before the rename.
                    let digest = try FileDigest.sha256(of: partial).hex
                    return try finish(request, size: offset, digest: digest, resumedBytes: offset, attempts: requests)
                }
                try restartOrFail(partial: partial, restarts: &restarts, request: request, status: 416)
            case .unexpectedRange:
                try restartOrFail(partial: partial, restarts: &restarts, request: request, status: 206)
            case .errorStatus(let status, let message, let retryAfter):
                failures += 1
                guard failures < retryPolicy.maxAttempts, Self.isTransient(status: status) else {
                    throw ModelError.httpStatus(status, url: request.url, serverMessage: message, attempts: requests)
                }
                var delay = retryPolicy.delay(afterAttempt: failures)
                if let seconds = retryAfter.flatMap({ Int($0.trimmingCharacters(in: .whitespaces)) }) {
                    delay = min(retryPolicy.maxDelay, .seconds(max(0, seconds)))
                }
                try await Task.sleep(for: delay)
            }
        }
    }

    /// One HTTP request, its body appended to the partial file.
    private func transfer(
        _ request: DownloadRequest, offset: Int64, progress: (@Sendable (DownloadProgress) -> Void)?
    ) async throws -> TransferOutcome {
        let delegate = try TransferDelegate(partialURL: request.partialURL, resumeOffset: offset, progress: progress)
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = idleTimeout
        configuration.timeoutIntervalForResource = 7 * 24 * 3600
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        let queue = OperationQueue()
        queue.maxConcurrentOperationCount = 1
        let session = URLSession(configuration: configuration, delegate: delegate, delegateQueue: queue)
        defer { session.finishTasksAndInvalidate() }

        var urlRequest = URLRequest(url: request.url)
        for (name, value) in request.headers {
            urlRequest.setValue(value, forHTTPHeaderField: name)
        }
        // Byte ranges and lengths only mean something on the identity encoding.
        urlRequest.setValue("identity", forHTTPHeaderField: "Accept-Encoding")
        if offset > 0 {
            urlRequest.setValue("bytes=\(offset)-", forHTTPHeaderField: "Range")
        }
        let task = session.dataTask(with: urlRequest)
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                delegate.start(continuation)
                task.resume()
            }
        } onCancel: {
            task.cancel()
        }
    }

    /// Checks the complete partial file and renames it into place.
    private func finish(
        _ request: DownloadRequest, size: Int64, digest: String, resumedBytes: Int64, attempts: Int
    ) throws -> DownloadResult {
        let partial = request.partialURL
        if let expectedSize = request.expectedSize, size != expectedSize {
            try? FileManager.default.removeItem(at: partial)
            throw ModelError(
                .sizeMismatch,
                "\(request.url.absoluteString) gave \(size) bytes, but \(expectedSize) were expected. The partial file "
                    + "was removed; run the command again, and if it repeats the file on the server has changed.",
                url: request.url, path: request.destination.path
            )
        }
        if let expected = request.expectedSHA256, digest != expected {
            try? FileManager.default.removeItem(at: partial)
            throw ModelError(
                .checksumMismatch,
                "\(request.url.absoluteString) downloaded with SHA-256 \(digest), but \(expected) was expected. "
                    + "The file was removed; run the command again. If it repeats, the file on the server differs "
                    + "from the pinned one (a new upload, or a wrong --sha256).",
                url: request.url, path: request.destination.path
            )
        }
        // rename(2) replaces the destination atomically: readers see the old file or the new one.
        guard rename(partial.path, request.destination.path) == 0 else {
            let code = errno
            let reason = POSIXErrorCode(rawValue: code).map { POSIXError($0).localizedDescription } ?? "error \(code)"
            throw ModelError(
                .fileSystem,
                "Cannot move \(partial.path) to \(request.destination.path): \(reason). Check the folder's permissions.",
                path: request.destination.path
            )
        }
        return DownloadResult(url: request.destination, size: size, sha256: digest, resumedBytes: resumedBytes, attempts: attempts)
    }

    /// Drops a partial file the server will not continue, and lets the loop start over once or twice.
    private func restartOrFail(partial: URL, restarts: inout Int, request: DownloadRequest, status: Int) throws {
        try? FileManager.default.removeItem(at: partial)
        restarts += 1
        guard restarts <= 2 else {
            throw ModelError(
                .connectionFailed,
                "\(request.url.absoluteString) kept answering range requests with \(status) for the wrong bytes; "
                    + "the server does not support resuming. Run the command again to fetch the file from the start.",
                url: request.url, status: status
            )
        }
    }

    private static func fileSize(_ url: URL) -> Int64 {
        let attributes = try? FileManager.default.attributesOfItem(atPath: url.path)
        return (attributes?[.size] as? NSNumber)?.int64Value ?? 0
    }

    private static func isTransient(status: Int) -> Bool {
        [408, 425, 429, 500, 502, 503, 504].contains(status)
    }

    private static func isTransient(_ error: any Error) -> Bool {
        guard let urlError = error as? URLError else { return !(error is ModelError) }
        switch urlError.code {
        case .timedOut, .networkConnectionLost, .cannotConnectToHost, .notConnectedToInternet,
             .dnsLookupFailed, .resourceUnavailable, .badServerResponse, .cannotParseResponse,
             .secureConnectionFailed, .unknown:
            return true
        default:
            return false
        }
    }
}
