import Foundation
import Testing
@testable import TKBackends

@Suite struct ModelCacheTests {
    @Test func rootComesFromTruthKitHomeOrTheHomeCache() {
        #expect(ModelCache.defaultRoot(environment: ["TRUTHKIT_HOME": "/data/tk", "HOME": "/home/u"]).path == "/data/tk")
        #expect(ModelCache.defaultRoot(environment: ["TRUTHKIT_HOME": "~/tk", "HOME": "/home/u"]).path == "/home/u/tk")
        #expect(ModelCache.defaultRoot(environment: ["HOME": "/home/u"]).path == "/home/u/.cache/truthkit")
        #expect(ModelCache.defaultRoot(environment: ["TRUTHKIT_HOME": "", "HOME": "/home/u"]).path == "/home/u/.cache/truthkit")
    }

    @Test func registryModelsLiveDirectlyUnderModels() {
        let cache = ModelCache(root: URL(fileURLWithPath: "/c"))
        #expect(cache.fileURL(for: ModelRegistry.smolLM2Instruct).path == "/c/models/SmolLM2-135M-Instruct.Q4_1.gguf")
        #expect(cache.fileURL(for: HuggingFacePath(owner: "o", repository: "r", file: "d/m.gguf")).path == "/c/models/hf/o/r/d/m.gguf")
        #expect(cache.fileURL(forDownloadFrom: URL(string: "https://host:8443/x/y.gguf?sig=1")!).path == "/c/models/url/host_8443/y.gguf")
        #expect(cache.fileURL(forDownloadFrom: URL(string: "https://host/a/..gguf")!).path == "/c/models/url/host/gguf")
    }

    @Test func listsModelFilesWithSizesAndPartials() async throws {
        try await Fixtures.withTemporaryDirectory { dir in
            let cache = ModelCache(root: dir)
            let models = cache.modelsDirectory
            try Fixtures.write(Array(repeating: 1, count: 10), to: models.appendingPathComponent("a.gguf"))
            try Fixtures.write(Array(repeating: 2, count: 20), to: models.appendingPathComponent("hf/o/r/b.gguf"))
            try Fixtures.write(Array(repeating: 3, count: 5), to: models.appendingPathComponent("c.gguf.partial"))
            try Fixtures.write(Array(repeating: 4, count: 7), to: models.appendingPathComponent("notes.txt"))
            let listed = try cache.list()
            #expect(listed.map(\.relativePath) == ["a.gguf", "c.gguf.partial", "hf/o/r/b.gguf"])
            #expect(listed.map(\.size) == [10, 5, 20])
            #expect(listed.map(\.isPartial) == [false, true, false])
            #expect(cache.existingFile(relativePath: "hf/o/r/b.gguf") != nil)
            #expect(cache.existingFile(relativePath: "../models/a.gguf") == nil)
        }
    }

    @Test func missingCacheListsAsEmpty() throws {
        let cache = ModelCache(root: URL(fileURLWithPath: "/nonexistent/truthkit-\(UUID().uuidString)"))
        #expect(try cache.list().isEmpty)
    }
}
