import Foundation
import Testing
@testable import TKBackends

/// A cached model that is a symbolic link (a Hugging Face hub cache keeps `snapshots/<rev>/x.gguf`
/// as links into `blobs/`) is judged by the file it points to, and never deleted or replaced.
@Suite struct ModelCacheSymlinkTests {
    /// A registry entry whose URL nobody answers: any attempt to download fails the test.
    private static func entry(for bytes: [UInt8]) -> ModelEntry {
        ModelEntry(
            name: "linked", fileName: "linked.gguf", source: .url(URL(string: "http://127.0.0.1:9/unreachable.gguf")!),
            sha256: Fixtures.sha256(bytes), size: Int64(bytes.count), summary: "test"
        )
    }

    private func resolver(root: URL, entry: ModelEntry) -> ModelResolver {
        ModelResolver(
            registry: ModelRegistry(entries: [entry]), environment: Fixtures.environment(root: root, extra: [:]),
            allowsPulling: true, downloader: Fixtures.fastDownloader()
        )
    }

    /// Writes `bytes` to a blob beside `models/` (with a long path, so the link's own length
    /// differs from the file's) and links the entry's cache file to it with a relative link.
    private func linkedModel(in cache: ModelCache, bytes: [UInt8], entry: ModelEntry) throws -> (link: URL, blob: URL) {
        let blob = cache.root.appendingPathComponent("hub/models--owner--repo/blobs/0123456789abcdef0123456789abcdef0123456789abcdef")
        try Fixtures.write(bytes, to: blob)
        let link = cache.fileURL(for: entry)
        try FileManager.default.createDirectory(at: link.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: link.path, withDestinationPath: "../hub/models--owner--repo/blobs/" + blob.lastPathComponent)
        #expect(ModelCache.symbolicLinkTarget(link) != nil)
        return (link, blob)
    }

    /// A resolver whose registry expects `expected`, and a cache link to a blob holding `stored`.
    private func linkedCache(in dir: URL, expected: [UInt8], stored: [UInt8]) throws -> (ModelResolver, link: URL, blob: URL) {
        let entry = Self.entry(for: expected)
        let resolver = resolver(root: dir, entry: entry)
        let (link, blob) = try linkedModel(in: resolver.cache, bytes: stored, entry: entry)
        return (resolver, link, blob)
    }

    @Test func linkedModelResolvesAndPullsAsCachedWithItsTargetsSize() async throws {
        try await Fixtures.withTemporaryDirectory { dir in
            let bytes = Fixtures.bytes(1_000)
            let (resolver, link, _) = try linkedCache(in: dir, expected: bytes, stored: bytes)
            #expect(try await resolver.resolve("linked") == link)
            let pulled = try await resolver.pull("linked")
            #expect(pulled.wasCached)
            #expect(pulled.size == 1_000)
            #expect(ModelCache.symbolicLinkTarget(link) != nil, "the link was replaced")
        }
    }

    @Test func linkToADamagedFileIsReportedAndLeftAlone() async throws {
        try await Fixtures.withTemporaryDirectory { dir in
            let bytes = Fixtures.bytes(1_000)
            var damaged = bytes
            damaged[500] ^= 0xFF
            let (resolver, link, blob) = try linkedCache(in: dir, expected: bytes, stored: damaged)
            let error = await #expect(throws: ModelError.self) { try await resolver.pull("linked") }
            #expect(error?.code == .checksumMismatch)
            #expect(error?.message.contains("symbolic link") == true)
            #expect(error?.message.contains(blob.lastPathComponent) == true)
            #expect(ModelCache.symbolicLinkTarget(link) != nil, "the link was removed")
            #expect(try Fixtures.read(blob) == damaged, "the link's target was touched")
        }
    }

    @Test func linkToATruncatedFileIsASizeMismatchNamingTheLink() async throws {
        try await Fixtures.withTemporaryDirectory { dir in
            let bytes = Fixtures.bytes(1_000)
            let (resolver, link, blob) = try linkedCache(in: dir, expected: bytes, stored: Array(bytes.prefix(600)))
            let error = await #expect(throws: ModelError.self) { try await resolver.pull("linked") }
            #expect(error?.code == .sizeMismatch)
            #expect(error?.message.contains("600 bytes") == true)
            #expect(ModelCache.symbolicLinkTarget(link) != nil)
            #expect(FileManager.default.fileExists(atPath: blob.path))
        }
    }

    @Test func danglingLinkIsNotReplacedByADownload() async throws {
        try await Fixtures.withTemporaryDirectory { dir in
            let bytes = Fixtures.bytes(100)
            let (resolver, link, blob) = try linkedCache(in: dir, expected: bytes, stored: bytes)
            try FileManager.default.removeItem(at: blob)
            let error = await #expect(throws: ModelError.self) { try await resolver.pull("linked") }
            #expect(error?.message.contains("does not exist") == true)
            #expect(ModelCache.symbolicLinkTarget(link) != nil)
        }
    }

    @Test func listShowsALinkedModelWithItsTargetsSize() async throws {
        try await Fixtures.withTemporaryDirectory { dir in
            let bytes = Fixtures.bytes(1_234)
            let entry = Self.entry(for: bytes)
            _ = try linkedModel(in: ModelCache(root: dir), bytes: bytes, entry: entry)
            let listed = try ModelCache(root: dir).list()
            #expect(listed.map(\.relativePath) == ["linked.gguf"])
            #expect(listed.map(\.size) == [1_234])
        }
    }
}
