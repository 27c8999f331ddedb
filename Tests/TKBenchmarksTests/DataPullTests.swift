import Foundation
import TKBackends
import Testing
@testable import TKBenchmarks

/// `truthkit data pull` as the CLI runs it: `DataInstaller` with the real `Downloader`, against
/// a real HTTP server on 127.0.0.1 serving upstream-shaped files, and `--from DIR` imports.
@Suite struct DataPullTests {
    /// The installer the CLI builds, fetching with TKBackends' downloader (no retries, so failures are quick).
    private func installer(_ directory: URL) -> DataInstaller {
        let downloader = Downloader(retryPolicy: .never, idleTimeout: 120)  // generous: the whole suite runs at once on two cores
        return DataInstaller(dataDirectory: directory) { url, destination in
            _ = try await downloader.download(DownloadRequest(url: url, destination: destination))
        }
    }

    @Test func pullsEveryFileConvertsAndVerifiesAgainstThePinnedChecksums() async throws {
        try await DataTestSupport.withTemporaryDirectory { dir in
            try await DataTestServer.run(files: try DataUpstreamFixtures.files(for: DataCatalog.truthfulQA.mirrored(at: URL(string: "http://x")!))) { server in
                let catalog = DataCatalog.truthfulQA.mirrored(at: server.baseURL)
                let installer = installer(dir)
                var sources: [String: [String]] = [:]
                for file in catalog.files {
                    let result = try await installer.pull(file)
                    sources[file.id] = result.from
                    #expect(result.outcome == .downloaded, "\(file.id)")
                    #expect(try Data(contentsOf: result.url) == Data(try DataTestSupport.bytes(file.fileName)), "\(file.id)")
                }
                let v0 = try #require(catalog.file(id: "csv-v0"))
                #expect(sources["csv-v0"] == [v0.sources[0].urls[1].absoluteString])
                #expect(sources["fewshot-multi"]?.count == 5)
                // The v0 CSV is only on the mirror: the primary answered 404 and the fork was used.
                let log = await server.log.requests
                #expect(log.contains { $0.path.hasPrefix("sylinrl/TruthfulQA/013686a") && $0.path.hasSuffix("TruthfulQA.csv") && $0.status == 404 })
                #expect(log.contains { $0.path.hasPrefix("koppula/TruthfulQA/") && $0.path.hasSuffix("data/v0/TruthfulQA.csv") && $0.status == 200 })

                // Everything is installed and verified; a second pull fetches nothing.
                #expect(catalog.installedFiles(in: dir).allSatisfy { $0.status == .installed })
                let before = log.count
                for file in catalog.files {
                    #expect(try await installer.pull(file).outcome == .alreadyInstalled)
                }
                #expect(await server.log.requests.count == before)
                #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent(".staging").path))

                // What was pulled loads like the shared copy.
                let dataset = try TruthfulQADataset.load(dataDirectory: dir)
                #expect(dataset.items.count == 817)
                #expect(dataset.categoryJoin?.matched == 817)
            }
        }
    }

    @Test func checksumMismatchInstallsNothing() async throws {
        try await DataTestSupport.withTemporaryDirectory { dir in
            let catalog = DataCatalog.truthfulQA.mirrored(at: URL(string: "http://x")!)
            let file = try #require(catalog.file(id: "csv-v1"))
            let path = String(file.sources[0].urls[0].path.dropFirst())
            let files = [path: try DataTestSupport.bytes(file.fileName)]
            try await DataTestServer.run(files: files, behaviors: [path: .corrupt]) { server in
                let file = try #require(DataCatalog.truthfulQA.mirrored(at: server.baseURL).file(id: "csv-v1"))
                let error = try await #require(throws: DatasetError.self) { try await installer(dir).pull(file) }
                #expect(error.code == .checksumMismatch)
                #expect(error.file == "truthfulqa/TruthfulQA_v1_2021-10.csv")
                #expect(error.message.contains(file.sha256))
                #expect(error.message.contains("Nothing was installed"))
                #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent(file.relativePath).path))
                #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent(".staging").path))
            }
        }
    }

    @Test func convertedFileWithAChangedLabelFailsTheChecksum() async throws {
        try await DataTestSupport.withTemporaryDirectory { dir in
            var source = String(decoding: try DataUpstreamFixtures.mcTaskJSON(), as: UTF8.self)
            // A label inside mc1_targets (mc0_targets is dropped by the conversion, so changing it would not matter).
            let mc1 = try #require(source.range(of: #""mc1_targets": {"#))
            let range = try #require(source.range(of: ": 0", range: mc1.upperBound..<source.endIndex))
            source.replaceSubrange(range, with: ": 1")
            let plain = try #require(DataCatalog.truthfulQA.file(id: "mc-en"))
            let files = [String(plain.sources[0].urls[0].path.dropFirst()): Array(source.utf8)]
            try await DataTestServer.run(files: files) { server in
                let file = try #require(DataCatalog.truthfulQA.mirrored(at: server.baseURL).file(id: "mc-en"))
                let error = try await #require(throws: DatasetError.self) { try await installer(dir).pull(file) }
                #expect(error.code == .checksumMismatch)
                #expect(error.message.contains("after conversion (huggingFaceMultipleChoice)"))
            }
        }
    }

    @Test func downloadFailureListsEveryAddressTried() async throws {
        try await DataTestSupport.withTemporaryDirectory { dir in
            try await DataTestServer.run(files: [:]) { server in
                let file = try #require(DataCatalog.truthfulQA.mirrored(at: server.baseURL).file(id: "csv-2025"))
                let error = try await #require(throws: DatasetError.self) { try await installer(dir).pull(file) }
                #expect(error.code == .downloadFailed)
                for url in file.sources[0].urls {
                    #expect(error.message.contains(url.absoluteString))
                }
                #expect(error.message.contains("--from DIR"))
                #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent(file.relativePath).path))
            }
        }
    }

    @Test func conversionFollowsPythonDictSemanticsAndKeyOrder() throws {
        let mcTask = #"[{"question": "Q?", "mc0_targets": {"A": 1}, "mc1_targets": {"A": 1, "B": 0, "A": 0}, "mc2_targets": {"A": 1}}]"#
        let converted = try DataConversion.huggingFaceMultipleChoice.convert([(Array(mcTask.utf8), "mc_task.json")])
        #expect(String(decoding: converted, as: UTF8.self)
            == #"{"question": "Q?", "mc1_targets": {"choices": ["A", "B"], "labels": [0, 0]}, "mc2_targets": {"choices": ["A"], "labels": [1]}}"# + "\n")

        let multi = #"[{"id": 3, "extra": true, "lang": "gl", "category": "C", "question": "Qu\u00e9?", "type": "Adversarial"}]"#
        let records = try DataConversion.multilingualRecords.convert([(Array(multi.utf8), "train.json")])
        #expect(String(decoding: records, as: UTF8.self)
            == #"{"question": "Qué?", "id": 3, "type": "Adversarial", "category": "C", "lang": "gl", "extra": true}"# + "\n")

        let error = try #require(throws: DatasetError.self) {
            try DataConversion.multilingualRecords.convert([(Array("<html>\n404</html>".utf8), "https://e/x.json")])
        }
        #expect(error.code == .malformedJSON)
        #expect(error.file == "https://e/x.json")
        #expect(error.line == 1)
    }

    @Test func importsFromADataDirectoryOrAFlatFolder() async throws {
        try await DataTestSupport.withTemporaryDirectory { dir in
            let installer = installer(dir)
            for file in DataCatalog.truthfulQA.files {
                let result = try installer.importFile(file, from: DataTestSupport.dataDirectory)
                #expect(result.outcome == .imported)
                #expect(result.from == [DataTestSupport.path(file.fileName)])
            }
            #expect(DataCatalog.truthfulQA.installedFiles(in: dir).allSatisfy { $0.status == .installed })
            let flat = DataTestSupport.dataDirectory.appendingPathComponent("truthfulqa")
            let file = try #require(DataCatalog.truthfulQA.file(id: "mc-es"))
            #expect(try installer.importFile(file, from: flat).outcome == .alreadyInstalled)
            #expect(try installer.importFile(file, from: flat, force: true).outcome == .imported)
        }
    }

    @Test func importRejectsAModifiedOrMissingFile() async throws {
        try await DataTestSupport.withTemporaryDirectory { dir in
            let source = dir.appendingPathComponent("copy")
            let edited = try DataTestSupport.text("TruthfulQA.csv").replacingOccurrences(of: "Nauru", with: "Naurú")
            let editedPath = try DataTestSupport.write(edited, "TruthfulQA.csv", in: source)
            let target = dir.appendingPathComponent("data")
            let installer = installer(target)
            let file = try #require(DataCatalog.truthfulQA.file(id: "csv-2025"))
            let error = try #require(throws: DatasetError.self) { try installer.importFile(file, from: source) }
            #expect(error.code == .checksumMismatch)
            #expect(error.file == editedPath)
            #expect(error.message.contains("not the pinned file"))
            #expect(!FileManager.default.fileExists(atPath: installer.destination(of: file).path))

            let other = try #require(DataCatalog.truthfulQA.file(id: "mc-gl"))
            let missing = try #require(throws: DatasetError.self) { try installer.importFile(other, from: source) }
            #expect(missing.code == .fileNotFound)
            #expect(missing.message.contains("mc_gl.jsonl"))
        }
    }
}
