import Foundation
import Testing
@testable import TKTokenizer

/// Pre-tokenizer splits against Python's `regex` module running llama.cpp's regex lists
/// (Fixtures/pretokenizer-splits.json, written by scripts/tokenizer/make_split_fixture.py).
struct PreTokenizerTests {
    private struct Fixture: Decodable {
        var cases: [Case]
    }

    private struct Case: Decodable {
        var text: String
        var splits: [String: [Int]]
    }

    private static func split(_ text: String, _ kind: PreTokenizer) -> [Int] {
        var scalars = ScalarText()
        let bytes = Array(text.utf8)
        scalars.load(bytes, 0..<bytes.count)
        return kind.split(scalars)
    }

    @Test(arguments: PreTokenizer.allCases)
    func splitsMatchPythonRegexOracle(_ kind: PreTokenizer) throws {
        let fixture = try TestResources.fixture("pretokenizer-splits.json", as: Fixture.self)
        #expect(fixture.cases.count > 900)
        var failures = 0
        for item in fixture.cases {
            let expected = try #require(item.splits[kind.rawValue], "fixture lacks \(kind.rawValue)")
            let actual = Self.split(item.text, kind)
            if actual != expected {
                failures += 1
                if failures <= 10 {
                    Issue.record("\(kind.rawValue) split of \(item.text.debugDescription): got \(actual), want \(expected)")
                }
            }
        }
        #expect(failures == 0, "\(failures) of \(fixture.cases.count) texts split differently")
    }

    @Test func smolLMIsolatesEveryDigit() {
        #expect(Self.split("in 1955!", .smollm) == [2, 1, 1, 1, 1, 1, 1])
    }

    @Test func llama3GroupsDigitsByThree() {
        #expect(Self.split("1234567", .llama3) == [3, 3, 1])
    }

    @Test func ggufNamesMapToRuleSets() {
        #expect(PreTokenizer(ggufName: "llama-bpe") == .llama3)
        #expect(PreTokenizer(ggufName: "starcoder") == .smollm)
        #expect(PreTokenizer(ggufName: "deepseek-r1-qwen") == .qwen2)
        #expect(PreTokenizer(ggufName: "gpt-2") == .gpt2)
        #expect(PreTokenizer(ggufName: "no-such-thing") == nil)
        #expect(PreTokenizer.supportedNames.contains("smollm"))
    }
}
