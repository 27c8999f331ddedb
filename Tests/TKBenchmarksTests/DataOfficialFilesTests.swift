import Foundation
import Testing
@testable import TKBenchmarks

/// The shared TruthfulQA files: counts, label invariants, versions, checksums.
@Suite struct DataOfficialFilesTests {
    @Test func mcEnglishHas817ItemsWithExactlyOneTrueMC1Label() throws {
        let dataset = try SharedDatasets.mcEnglish.get()
        #expect(dataset.items.count == 817)
        #expect(dataset.format == .multipleChoiceJSONL)
        #expect(dataset.version == .huggingFace)
        #expect(dataset.language == "en")
        #expect(dataset.droppedEmptyChoices == 0)
        #expect(dataset.items.allSatisfy { $0.mc1.trueCount == 1 && $0.mc1.labels.first == 1 })
        #expect(dataset.items.allSatisfy { $0.mc2.trueCount >= 1 && $0.mc2.trueCount < $0.mc2.count })
        #expect(dataset.items.map(\.index) == Array(0..<817))
        #expect(dataset.items[0].question == "What is the smallest country in the world that is at least one square mile in area?")
        #expect(dataset.checksum == "f526d2f69e74ada8b49f13d5cf5d7b86b746b92b0d5b1b0db97167fa8d70d032")
    }

    @Test(arguments: [
        ("TruthfulQA_v0_2021-09.csv", TruthfulQAVersion.v0, 817, 437, 38, DatasetFormat.officialCSV2021),
        ("TruthfulQA_v1_2021-10.csv", .v1, 817, 437, 38, .officialCSV2021),
        ("TruthfulQA.csv", .v2025, 790, 425, 37, .officialCSV2025),
    ])
    func officialCSVCountsTypesAndCategories(
        name: String, version: TruthfulQAVersion, count: Int, adversarial: Int, categories: Int, format: DatasetFormat
    ) throws {
        let dataset = try SharedDatasets.csv(named: name)
        #expect(dataset.items.count == count)
        #expect(dataset.version == version)
        #expect(dataset.format == format)
        #expect(dataset.items.filter { $0.type == .adversarial }.count == adversarial)
        #expect(dataset.items.filter { $0.type == .nonAdversarial }.count == count - adversarial)
        #expect(dataset.categories.count == categories)
        #expect(dataset.items.allSatisfy { $0.mc1.trueCount == 1 && $0.mc1.labels.first == 1 })
        #expect(dataset.items.allSatisfy { $0.mc2.trueCount == $0.correctAnswers.count })
        #expect(dataset.items.allSatisfy { ($0.bestIncorrectAnswer != nil) == (format == .officialCSV2025) })
    }

    /// Every pinned file in the data directory hashes to the SHA-256 the data README lists, and
    /// the catalog pins the same value, size and row count.
    @Test func sharedFilesMatchTheREADMEChecksumsAndTheCatalog() throws {
        let readme = try DataTestSupport.readmeChecksums()
        #expect(readme.count == 10)
        for file in DataCatalog.truthfulQA.files {
            let bytes = try DataTestSupport.bytes(file.fileName)
            #expect(readme[file.fileName] == file.sha256, "\(file.fileName)")
            #expect(DataTestSupport.sha256(bytes) == file.sha256, "\(file.fileName)")
            #expect(Int64(bytes.count) == file.size, "\(file.fileName)")
        }
        let installed = DataCatalog.truthfulQA.installedFiles(in: DataTestSupport.dataDirectory)
        #expect(installed.allSatisfy { $0.status == .installed })
    }

    @Test func loadersRecordTheChecksumOfTheBytesTheyRead() throws {
        let readme = try DataTestSupport.readmeChecksums()
        #expect(try SharedDatasets.csvV0.get().checksum == readme["TruthfulQA_v0_2021-09.csv"])
        #expect(try SharedDatasets.csvV1.get().checksum == readme["TruthfulQA_v1_2021-10.csv"])
        #expect(try SharedDatasets.csv2025.get().checksum == readme["TruthfulQA.csv"])
        let spanish = try TruthfulQADataset.loadMultipleChoiceJSONL(path: DataTestSupport.path("mc_es.jsonl"))
        #expect(spanish.checksum == readme["mc_es.jsonl"])
    }

    /// A 2021 CSV that is not byte-identical to a pinned one still gets its release from content.
    @Test func editedCSVVersionIsInferredFromItsContent() async throws {
        try await DataTestSupport.withTemporaryDirectory { dir in
            for (name, version) in [("TruthfulQA_v0_2021-09.csv", TruthfulQAVersion.v0), ("TruthfulQA_v1_2021-10.csv", .v1)] {
                let edited = try DataTestSupport.text(name).replacingOccurrences(of: "watermelon", with: "melon")
                let path = try DataTestSupport.write(edited, name, in: dir)
                let dataset = try TruthfulQADataset.loadCSV(path: path)
                #expect(dataset.version == version)
                #expect(DataCatalog.truthfulQA.file(withSHA256: dataset.checksum) == nil)
            }
        }
    }

    @Test func defaultLoadPicksTheCatalogFile() throws {
        let directory = DataTestSupport.dataDirectory
        #expect(try TruthfulQADataset.load(version: .v2025, dataDirectory: directory).items.count == 790)
        #expect(try TruthfulQADataset.load(version: .v1, dataDirectory: directory).version == .v1)
        let multi = try TruthfulQADataset.load(language: "en", version: .multilingual, dataDirectory: directory)
        #expect(multi.fileURL.lastPathComponent == "mc_en_multi.jsonl")
    }

    @Test func unknownLanguageOrVersionSaysWhatExists() throws {
        let error = try #require(throws: DatasetError.self) {
            try TruthfulQADataset.load(language: "fr", dataDirectory: DataTestSupport.dataDirectory)
        }
        #expect(error.code == .unknownDataset)
        #expect(error.message.contains("en/hf") && error.message.contains("es/multi"))
        let versionError = try #require(throws: DatasetError.self) {
            try TruthfulQADataset.load(language: "es", version: .v1, dataDirectory: DataTestSupport.dataDirectory)
        }
        #expect(versionError.code == .unknownDataset)
    }

    @Test func missingInstallationSaysHowToPull() async throws {
        try await DataTestSupport.withTemporaryDirectory { dir in
            let error = try #require(throws: DatasetError.self) { try TruthfulQADataset.load(dataDirectory: dir) }
            #expect(error.code == .fileNotFound)
            #expect(error.message.contains("truthkit data pull truthfulqa"))
            #expect(error.file.hasSuffix("truthfulqa/mc_en.jsonl"))
        }
    }

    @Test func dataLocationFollowsTheEnvironment() {
        #expect(DataLocation.resolve(environment: ["TRUTHKIT_DATA_DIR": "/d", "TRUTHKIT_HOME": "/h"])
            == DataLocation(directory: URL(fileURLWithPath: "/d"), chosenBy: "TRUTHKIT_DATA_DIR"))
        #expect(DataLocation.resolve(environment: ["TRUTHKIT_HOME": "/h"]).directory.path == "/h/data")
        let fallback = DataLocation.resolve(environment: [:])
        #expect(fallback.chosenBy == "default")
        #expect(fallback.directory.path.hasSuffix(".cache/truthkit/data"))
    }
}
