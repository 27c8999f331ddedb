import Foundation
import Testing
@testable import TKBackends

/// The downloader against a real HTTP server on 127.0.0.1.
@Suite struct DownloaderTests {
    private let file = Fixtures.bytes(300_000)
    private var files: [String: [UInt8]] { ["models/tiny.gguf": file] }

    @Test func downloadsWholeFileAndVerifiesChecksum() async throws {
        try await Fixtures.withTemporaryDirectory { dir in
            let destination = dir.appendingPathComponent("out/tiny.gguf")
            let sha = Fixtures.sha256(file)
            let (result, requests) = try await TestFileServer.run(files: files) { server in
                let request = DownloadRequest(
                    url: server.url("models/tiny.gguf"), destination: destination,
                    expectedSHA256: sha, expectedSize: Int64(file.count)
                )
                let progress = ProgressLog()
                let result = try await Fixtures.fastDownloader().download(request, progress: progress.record)
                #expect(progress.last?.completed == Int64(file.count))
                #expect(progress.last?.total == Int64(file.count))
                return (result, await server.script.requests)
            }
            #expect(try Fixtures.read(destination) == file)
            #expect(!Fixtures.exists(destination.appendingPathExtension("partial")))
            #expect(result.sha256 == sha)
            #expect(result.size == Int64(file.count))
            #expect(result.resumedBytes == 0)
            #expect(requests.count == 1)
            #expect(requests.first?.range == nil)
        }
    }

    @Test func resumesFromPartialFileWithRangeRequest() async throws {
        try await Fixtures.withTemporaryDirectory { dir in
            let destination = dir.appendingPathComponent("tiny.gguf")
            let kept = 123_457
            let sha = Fixtures.sha256(file)
            try Fixtures.write(Array(file[..<kept]), to: destination.appendingPathExtension("partial"))
            let (result, requests) = try await TestFileServer.run(files: files) { server in
                let request = DownloadRequest(url: server.url("models/tiny.gguf"), destination: destination, expectedSHA256: sha)
                return (try await Fixtures.fastDownloader().download(request), await server.script.requests)
            }
            #expect(try Fixtures.read(destination) == file)
            #expect(result.resumedBytes == Int64(kept))
            #expect(requests.count == 1)
            #expect(requests.first?.range == "bytes=\(kept)-")
            #expect(requests.first?.status == 206)
            #expect(requests.first?.bytesSent == file.count - kept)
        }
    }

    @Test func connectionDroppedMidBodyIsRetriedFromWhereItStopped() async throws {
        try await Fixtures.withTemporaryDirectory { dir in
            let destination = dir.appendingPathComponent("tiny.gguf")
            let (result, requests) = try await TestFileServer.run(files: files, behaviors: [.dropAfter(100_000)]) { server in
                let request = DownloadRequest(
                    url: server.url("models/tiny.gguf"), destination: destination, expectedSHA256: Fixtures.sha256(file)
                )
                return (try await Fixtures.fastDownloader().download(request), await server.script.requests)
            }
            #expect(try Fixtures.read(destination) == file)
            #expect(result.attempts == 2)
            #expect(requests.count == 2)
            #expect(requests[0].range == nil)
            // Whatever arrived before the drop is kept; the retry asks only for the rest.
            let resumedAt = try #require(requests[1].range.flatMap { Int($0.dropFirst(6).dropLast()) })
            #expect(resumedAt > 0 && resumedAt <= 100_000)
            #expect(requests[1].bytesSent == file.count - resumedAt)
        }
    }

    @Test func serverThatIgnoresRangeRestartsTheFile() async throws {
        try await Fixtures.withTemporaryDirectory { dir in
            let destination = dir.appendingPathComponent("tiny.gguf")
            let partial = destination.appendingPathExtension("partial")
            // A partial of junk: if it were kept, the checksum would fail.
            try Fixtures.write(Fixtures.bytes(5000, seed: 7), to: partial)
            let result = try await TestFileServer.run(files: files, behaviors: [.ignoreRange]) { server in
                let request = DownloadRequest(
                    url: server.url("models/tiny.gguf"), destination: destination, expectedSHA256: Fixtures.sha256(file)
                )
                let result = try await Fixtures.fastDownloader().download(request)
                let requests = await server.script.requests
                #expect(requests.first?.range == "bytes=5000-")
                #expect(requests.first?.status == 200)
                return result
            }
            #expect(try Fixtures.read(destination) == file)
            #expect(result.resumedBytes == 0)
        }
    }

    @Test func completePartialFileAnswered416IsVerifiedAndKept() async throws {
        try await Fixtures.withTemporaryDirectory { dir in
            let destination = dir.appendingPathComponent("tiny.gguf")
            try Fixtures.write(file, to: destination.appendingPathExtension("partial"))
            let requests = try await TestFileServer.run(files: files) { server in
                let request = DownloadRequest(
                    url: server.url("models/tiny.gguf"), destination: destination, expectedSHA256: Fixtures.sha256(file)
                )
                _ = try await Fixtures.fastDownloader().download(request)
                return await server.script.requests
            }
            #expect(requests.map(\.status) == [416])
            #expect(try Fixtures.read(destination) == file)
        }
    }

    @Test func checksumMismatchRemovesTheFileAndSaysToRetry() async throws {
        try await Fixtures.withTemporaryDirectory { dir in
            let destination = dir.appendingPathComponent("tiny.gguf")
            let error = try await TestFileServer.run(files: files, behaviors: [.corrupt]) { server in
                let request = DownloadRequest(
                    url: server.url("models/tiny.gguf"), destination: destination, expectedSHA256: Fixtures.sha256(file)
                )
                return await #expect(throws: ModelError.self) {
                    try await Fixtures.fastDownloader().download(request)
                }
            }
            #expect(error?.code == .checksumMismatch)
            #expect(error?.message.contains("run the command again") == true)
            #expect(error?.message.contains(Fixtures.sha256(file)) == true)
            #expect(!Fixtures.exists(destination))
            #expect(!Fixtures.exists(destination.appendingPathExtension("partial")))
        }
    }

    @Test func wrongSizeIsRejected() async throws {
        try await Fixtures.withTemporaryDirectory { dir in
            let destination = dir.appendingPathComponent("tiny.gguf")
            let error = try await TestFileServer.run(files: files) { server in
                let request = DownloadRequest(
                    url: server.url("models/tiny.gguf"), destination: destination, expectedSize: Int64(file.count + 1)
                )
                return await #expect(throws: ModelError.self) { try await Fixtures.fastDownloader().download(request) }
            }
            #expect(error?.code == .sizeMismatch)
            #expect(!Fixtures.exists(destination))
        }
    }

    @Test func notFoundIsTypedAndNotRetried() async throws {
        try await Fixtures.withTemporaryDirectory { dir in
            let (error, requests, url) = try await TestFileServer.run(files: files) { server in
                let url = server.url("models/missing.gguf")
                let request = DownloadRequest(url: url, destination: dir.appendingPathComponent("missing.gguf"))
                let error = await #expect(throws: ModelError.self) { try await Fixtures.fastDownloader().download(request) }
                return (error, await server.script.requests, url)
            }
            #expect(error?.code == .httpStatus)
            #expect(error?.status == 404)
            #expect(error?.url == url)
            #expect(error?.message.contains(url.absoluteString) == true)
            #expect(error?.message.contains("404") == true)
            #expect(error?.message.contains("Entry not found") == true)
            #expect(requests.count == 1)
            #expect(!Fixtures.exists(dir.appendingPathComponent("missing.gguf")))
        }
    }

    @Test func serverErrorIsRetriedThenReportedWithStatusAndURL() async throws {
        try await Fixtures.withTemporaryDirectory { dir in
            let (error, requests) = try await TestFileServer.run(
                files: files, behaviors: [.status(500), .status(500), .status(500)]
            ) { server in
                let request = DownloadRequest(url: server.url("models/tiny.gguf"), destination: dir.appendingPathComponent("t.gguf"))
                let error = await #expect(throws: ModelError.self) {
                    try await Fixtures.fastDownloader(attempts: 3).download(request)
                }
                return (error, await server.script.requests)
            }
            #expect(error?.code == .httpStatus)
            #expect(error?.status == 500)
            #expect(error?.message.contains("500") == true)
            #expect(error?.message.contains("/models/tiny.gguf") == true)
            #expect(error?.message.contains("after 3 attempts") == true)
            #expect(requests.count == 3)
        }
    }

    @Test func transientServerErrorRecoversOnRetry() async throws {
        try await Fixtures.withTemporaryDirectory { dir in
            let destination = dir.appendingPathComponent("tiny.gguf")
            let result = try await TestFileServer.run(files: files, behaviors: [.status(503)]) { server in
                let request = DownloadRequest(url: server.url("models/tiny.gguf"), destination: destination)
                return try await Fixtures.fastDownloader().download(request)
            }
            #expect(result.attempts == 2)
            #expect(try Fixtures.read(destination) == file)
        }
    }

    @Test func unauthorizedExplainsTheToken() async throws {
        try await Fixtures.withTemporaryDirectory { dir in
            let error = try await TestFileServer.run(files: files, behaviors: [.status(401)]) { server in
                let request = DownloadRequest(url: server.url("models/tiny.gguf"), destination: dir.appendingPathComponent("t.gguf"))
                return await #expect(throws: ModelError.self) { try await Fixtures.fastDownloader().download(request) }
            }
            #expect(error?.status == 401)
            #expect(error?.message.contains("HF_TOKEN") == true)
        }
    }

    @Test func refusedConnectionIsAConnectionError() async throws {
        try await Fixtures.withTemporaryDirectory { dir in
            // A port that was just free: bound by a server that has since stopped.
            let base = try await TestFileServer.run(files: [:]) { server in server.baseURL }
            try await Task.sleep(for: .milliseconds(100))
            let url = URL(string: base.absoluteString + "/models/tiny.gguf")!
            let request = DownloadRequest(url: url, destination: dir.appendingPathComponent("t.gguf"))
            let error = await #expect(throws: ModelError.self) { try await Fixtures.fastDownloader(attempts: 2).download(request) }
            #expect(error?.code == .connectionFailed)
            #expect(error?.message.contains(url.absoluteString) == true)
            #expect(error?.message.contains("after 2 attempts") == true)
        }
    }

    @Test func invalidChecksumIsRejectedBeforeAnyRequest() async throws {
        let request = DownloadRequest(
            url: URL(string: "http://127.0.0.1:9/x.gguf")!, destination: URL(fileURLWithPath: "/nonexistent/x.gguf"),
            expectedSHA256: "abc"
        )
        let error = await #expect(throws: ModelError.self) { try await Downloader().download(request) }
        #expect(error?.code == .invalidSpecification)
    }

    @Test(arguments: [
        ("bytes 100-199/1000", ContentRange(start: 100, end: 199, total: 1000)),
        ("bytes */1000", ContentRange(start: nil, end: nil, total: 1000)),
        ("bytes 0-9/*", ContentRange(start: 0, end: 9, total: nil)),
    ])
    func parsesContentRange(header: String, expected: ContentRange) {
        #expect(ContentRange(header: header) == expected)
    }

    @Test func retryDelaysDoubleUpToTheCap() {
        let policy = RetryPolicy(maxAttempts: 6, initialDelay: .milliseconds(500), maxDelay: .seconds(3))
        #expect((1...5).map(policy.delay(afterAttempt:)) == [.milliseconds(500), .seconds(1), .seconds(2), .seconds(3), .seconds(3)])
    }
}

/// Collects progress reports from the downloader's background thread.
private final class ProgressLog: Sendable {
    private let reports = MutexBox<[DownloadProgress]>([])

    var record: @Sendable (DownloadProgress) -> Void {
        { [reports] report in reports.mutate { $0.append(report) } }
    }

    var last: DownloadProgress? { reports.value.last }
}
