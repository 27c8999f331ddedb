import Foundation
import Testing
import TKGGUF
@testable import TKTokenizer

/// Token ids against llama.cpp itself on texts beyond the shared reference: Fixtures/llamacpp-*.json,
/// written by scripts/tokenizer/make_oracle.py through llama-cpp-python (`vocab_only`).
///
/// SmolLM2's vocabulary is checked with its own pre-tokenizer and, with `tokenizer.ggml.pre`
/// overridden, with the Llama 3, Qwen 2, GPT-2 and default ones. The SentencePiece vocabulary is a
/// committed fixture (Fixtures/spm-truthfulqa.vocab.json), so those tests always run.
struct LlamaCppOracleTests {
    private struct Fixture: Decodable {
        var variants: [String]
        var texts: [Entry]
        /// File name → variant → one hash per item.
        var truthfulqa: [String: [String: [String]]]
    }

    private struct Entry: Decodable {
        var text: String
        var ids: [String: [Int32]]
        var special_ids: [String: [Int32]]?
    }

    private struct Item: Decodable {
        var question: String
        var mc1_targets: Targets
        var mc2_targets: Targets
        struct Targets: Decodable { var choices: [String] }

        /// The strings hashed per item; must match `item_texts` in scripts/tokenizer/texts.py.
        var texts: [String] {
            [question, "Q: " + question + "\nA:"] + mc2_targets.choices.map { " " + $0 } + mc1_targets.choices
        }
    }

    static let smolLMVariants = ["smollm", "llama-bpe", "qwen2", "gpt-2", "default"]
    static let sentencePieceVariants = ["prefix", "no-prefix"]

    private static func smolLM(_ variant: String) throws -> Tokenizer {
        let file = try #require(TestResources.modelFile)
        var vocabulary = try Vocabulary(gguf: file)
        vocabulary.preTokenizer = try #require(PreTokenizer(ggufName: variant))
        return try Tokenizer(vocabulary: vocabulary)
    }

    static func sentencePiece(addSpacePrefix: Bool = true) throws -> Tokenizer {
        var vocabulary = try Vocabulary(gguf: TestResources.sentencePieceFixture())
        vocabulary.addSpacePrefix = addSpacePrefix
        return try Tokenizer(vocabulary: vocabulary)
    }

    /// FNV-1a 64 over the ids as little-endian UInt32, 0xFFFFFFFF between strings.
    private static func hash(_ lists: [[Int32]]) -> String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        func feed(_ v: UInt32) {
            for k in 0..<4 {
                h ^= UInt64((v >> (8 * UInt32(k))) & 0xFF)
                h &*= 0x100_0000_01b3
            }
        }
        for (i, ids) in lists.enumerated() {
            if i > 0 { feed(0xFFFF_FFFF) }
            for id in ids { feed(UInt32(bitPattern: id)) }
        }
        let hex = String(h, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    private func checkTexts(_ fixture: Fixture, _ variant: String, _ tokenizer: Tokenizer, addSpecial: Bool) throws {
        var failures = 0
        var checked = 0
        let first = fixture.variants[0]
        for entry in fixture.texts {
            // A variant's ids are left out of the fixture where they equal the first variant's.
            let expected = try #require(entry.ids[variant] ?? entry.ids[first])
            let ids = tokenizer.encode(entry.text, addSpecial: addSpecial, parseSpecial: false)
            checked += 1
            if ids != expected {
                failures += 1
                if failures <= 8 { Issue.record("\(variant): \(entry.text.debugDescription) → \(ids), llama.cpp \(expected)") }
            }
            if let specials = entry.special_ids, let special = specials[variant] ?? specials[first] {
                let ids = tokenizer.encode(entry.text, addSpecial: addSpecial, parseSpecial: true)
                checked += 1
                if ids != special {
                    failures += 1
                    if failures <= 8 { Issue.record("\(variant), parseSpecial: \(entry.text.debugDescription) → \(ids), llama.cpp \(special)") }
                }
            }
        }
        #expect(checked > 900)
        #expect(failures == 0, "\(failures) of \(checked) encodings differ from llama.cpp")
    }

    private func checkTruthfulQA(_ fixture: Fixture, _ variant: String, _ tokenizer: Tokenizer, addSpecial: Bool) throws {
        #expect(fixture.truthfulqa.count == 5)
        var checkedFiles = 0
        for (file, variants) in fixture.truthfulqa.sorted(by: { $0.key < $1.key }) {
            // Overridden variants are only recorded for English, to keep this debug-build test short.
            guard variants[variant] != nil else { continue }
            checkedFiles += 1
            let base = try #require(variants[fixture.variants[0]])
            // "" stands for "same as the first variant".
            let expected = try #require(variants[variant]).enumerated().map { $0.element.isEmpty ? base[$0.offset] : $0.element }
            let lines = try String(contentsOf: TestResources.sharedDirectory.appendingPathComponent("data/truthfulqa/\(file)"), encoding: .utf8)
                .split(separator: "\n")
            #expect(lines.count == expected.count)
            var failures = 0
            for (index, line) in lines.enumerated() {
                let item = try JSONDecoder().decode(Item.self, from: Data(line.utf8))
                let actual = Self.hash(item.texts.map { tokenizer.encode($0, addSpecial: addSpecial) })
                if actual != expected[index] {
                    failures += 1
                    if failures <= 3 { Issue.record("\(variant) \(file) item \(index) (\(item.question.debugDescription)) differs from llama.cpp") }
                }
            }
            #expect(failures == 0, "\(variant) \(file): \(failures) of \(lines.count) items differ")
        }
        #expect(checkedFiles == (variant == fixture.variants[0] ? 5 : 1))
    }

    @Test(.enabled(if: TestResources.modelAvailable, TestResources.modelMissingMessage), arguments: smolLMVariants)
    func smolLMMatchesLlamaCppOnDiverseTexts(_ variant: String) throws {
        let fixture = try TestResources.fixture("llamacpp-smollm2.json", as: Fixture.self)
        try checkTexts(fixture, variant, Self.smolLM(variant), addSpecial: false)
    }

    @Test(.enabled(if: TestResources.modelAvailable, TestResources.modelMissingMessage),
          .enabled(if: TestResources.sharedAvailable, TestResources.sharedMissingMessage), arguments: smolLMVariants)
    func smolLMMatchesLlamaCppOnAllTruthfulQA(_ variant: String) throws {
        let fixture = try TestResources.fixture("llamacpp-smollm2.json", as: Fixture.self)
        try checkTruthfulQA(fixture, variant, Self.smolLM(variant), addSpecial: false)
    }

    @Test(arguments: sentencePieceVariants)
    func sentencePieceMatchesLlamaCppOnDiverseTexts(_ variant: String) throws {
        let fixture = try TestResources.fixture("llamacpp-spm.json", as: Fixture.self)
        try checkTexts(fixture, variant, Self.sentencePiece(addSpacePrefix: variant == "prefix"), addSpecial: true)
    }

    @Test(.enabled(if: TestResources.sharedAvailable, TestResources.sharedMissingMessage), arguments: sentencePieceVariants)
    func sentencePieceMatchesLlamaCppOnAllTruthfulQA(_ variant: String) throws {
        let fixture = try TestResources.fixture("llamacpp-spm.json", as: Fixture.self)
        try checkTruthfulQA(fixture, variant, Self.sentencePiece(addSpacePrefix: variant == "prefix"), addSpecial: true)
    }
}
