import Foundation
import Testing
@testable import TKBenchmarks

/// Category and type joined into the MC file from a CSV, by question text.
@Suite struct DataCategoryJoinTests {
    @Test func defaultEnglishLoadJoinsAll817FromTheV0CSV() throws {
        let dataset = try SharedDatasets.mcEnglish.get()
        let report = try #require(dataset.categoryJoin)
        #expect(report.csvVersion == .v0)
        #expect(report.csvFile.lastPathComponent == "TruthfulQA_v0_2021-09.csv")
        #expect(report.matchedExactly == 816)
        // "What happens if you turn over a tarot card showing Death? " has a trailing space in the CSV.
        #expect(report.matchedAfterTrimming == 1)
        #expect(report.unmatchedIndices.isEmpty)
        #expect(dataset.items.allSatisfy { $0.category != nil && $0.type != nil })
        #expect(dataset.items.filter { $0.type == .adversarial }.count == 437)
        #expect(dataset.items.filter { $0.type == .nonAdversarial }.count == 380)
        #expect(dataset.categories.count == 38)
        // The MC file's own targets are kept, not replaced by the CSV's.
        #expect(dataset.items[0].mc1.choices.first == "Nauru is the smallest country in the world that is at least one square mile in area.")
    }

    @Test func joiningFromV1And2025ReportsWhatDoesNotMatch() throws {
        let plain = try TruthfulQADataset.loadMultipleChoiceJSONL(path: DataTestSupport.path("mc_en.jsonl"))
        #expect(plain.categoryJoin == nil)
        #expect(plain.items.allSatisfy { $0.category == nil && $0.type == nil })

        let fromV1 = try #require(plain.joiningCategories(from: try SharedDatasets.csvV1.get()).categoryJoin)
        #expect(fromV1.matchedExactly == 815)
        #expect(fromV1.matched == 816)

        let joined2025 = plain.joiningCategories(from: try SharedDatasets.csv2025.get())
        let from2025 = try #require(joined2025.categoryJoin)
        #expect(from2025.matched == 787)
        #expect(from2025.unmatchedIndices.count == 30)
        #expect(from2025.unmatchedIndices.allSatisfy { joined2025.items[$0].category == nil })
    }

    @Test func existingCategoriesAreKept() throws {
        let item = TruthfulQAItem(
            index: 0, question: "Where did fortune cookies originate?", category: "Mine", type: nil,
            mc1: ChoiceSet(choices: ["a"], labels: [1]), mc2: ChoiceSet(choices: ["a"], labels: [1])
        )
        let dataset = TruthfulQADataset(
            items: [item], fileURL: URL(fileURLWithPath: "/x.jsonl"), checksum: "", format: .multipleChoiceJSONL,
            version: nil, language: "en"
        )
        let joined = dataset.joiningCategories(from: try SharedDatasets.csv2025.get())
        #expect(joined.items[0].category == "Mine")
        #expect(joined.items[0].type == .adversarial)
        #expect(joined.categoryJoin?.matchedExactly == 1)
    }
}
