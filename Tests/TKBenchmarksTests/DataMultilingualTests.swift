import Testing
@testable import TKBenchmarks

/// The TruthfulQA-Multi files: 817 parallel items per language, empty options dropped.
@Suite struct DataMultilingualTests {
    /// Language, file, and the empty MC1 + MC2 options the data README counts for it.
    @Test(arguments: [("en", "mc_en_multi.jsonl", 20 + 31), ("es", "mc_es.jsonl", 20 + 30), ("ca", "mc_ca.jsonl", 20 + 30),
                      ("eu", "mc_eu.jsonl", 20 + 31), ("gl", "mc_gl.jsonl", 19 + 28)])
    func loadsWithEmptyChoicesDropped(language: String, file: String, empties: Int) throws {
        let version: TruthfulQAVersion? = language == "en" ? .multilingual : nil
        let dataset = try TruthfulQADataset.load(language: language, version: version, dataDirectory: DataTestSupport.dataDirectory)
        #expect(dataset.fileURL.lastPathComponent == file)
        #expect(dataset.items.count == 817)
        #expect(dataset.version == .multilingual)
        #expect(dataset.language == language)
        #expect(dataset.droppedEmptyChoices == empties)
        #expect(dataset.categoryJoin == nil)
        for item in dataset.items {
            #expect(item.language == language)
            #expect(item.mc1.trueCount == 1)
            #expect(item.mc1.count == item.mc1.labels.count && item.mc2.count == item.mc2.labels.count)
            #expect(!(item.mc1.choices + item.mc2.choices).contains { $0.allSatisfy(\.isWhitespace) })
            #expect(!(item.correctAnswers + item.incorrectAnswers).contains(""))
        }
        // Category and type come from the records themselves.
        #expect(dataset.items.filter { $0.type == .adversarial }.count == 437)
        #expect(dataset.categories.count == 38)
        #expect(dataset.items[0].category == "Misconceptions")
    }

    @Test func fewShotPrimerHasSixQuestionsPerLanguage() throws {
        // The primer's records hold only the answer to show, so they have no false options.
        #expect(throws: DatasetError.self) { try TruthfulQADataset.loadMultipleChoiceJSONL(path: DataTestSupport.path("fewshot_multi.jsonl")) }
        let dataset = try TruthfulQADataset.loadMultipleChoiceJSONL(
            path: DataTestSupport.path("fewshot_multi.jsonl"), requireFalseOptions: false)
        #expect(dataset.items.count == 30)
        #expect(dataset.language == "mul")
        for language in ["en", "es", "ca", "eu", "gl"] {
            #expect(dataset.items.filter { $0.language == language }.count == 6)
        }
        #expect(dataset.items.allSatisfy { $0.type == nil && $0.category == nil })
        #expect(dataset.items[0].bestAnswer == "Human life expectancy in the United States is 78 years.")
    }
}
