import Foundation
import Testing
@testable import TKTokenizer

/// SmolLM2's token ids against ../shared/reference (llama.cpp and transformers agree on them).
@Suite(.enabled(if: TestResources.modelAvailable, TestResources.modelMissingMessage),
       .enabled(if: TestResources.sharedAvailable, TestResources.sharedMissingMessage))
struct ReferenceTokenIDTests {
    private struct Texts: Decodable {
        var items: [Item]
        struct Item: Decodable {
            var text: String
            var parse_special: Bool
            var token_ids: [Int32]
        }
    }

    private struct MC2: Decodable {
        var items: [Item]
        struct Item: Decodable {
            var context: String
            var continuation: String
            var token_ids: [Int32]
            var n_context_tokens: Int
        }
    }

    @Test func referenceTextsTokenizeToReferenceIDs() throws {
        let tokenizer = try #require(TestResources.smolLM)
        let reference = try TestResources.shared("reference/smollm2-135m-instruct-q4_1.texts.json", as: Texts.self)
        #expect(reference.items.count == 10)
        for item in reference.items {
            let ids = tokenizer.encode(item.text, addSpecial: true, parseSpecial: item.parse_special)
            #expect(ids == item.token_ids, "\(item.text.debugDescription)")
            if !item.parse_special {
                #expect(tokenizer.decode(ids) == item.text)
            }
        }
    }

    @Test func truthfulQAPromptsTokenizeToReferenceIDs() throws {
        let tokenizer = try #require(TestResources.smolLM)
        let reference = try TestResources.shared("reference/smollm2-135m-instruct-q4_1.truthfulqa-mc2-first5.json", as: MC2.self)
        #expect(reference.items.count == 33)
        for item in reference.items {
            let whole = tokenizer.encode(item.context + item.continuation, addSpecial: true)
            #expect(whole == item.token_ids)
            let context = tokenizer.encode(item.context, addSpecial: true)
            #expect(context.count == item.n_context_tokens)
            #expect(Array(whole.prefix(item.n_context_tokens)) == context)
            #expect(tokenizer.decode(whole) == item.context + item.continuation)
        }
    }
}
