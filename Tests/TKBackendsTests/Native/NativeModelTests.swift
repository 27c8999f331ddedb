import Foundation
import Testing
import TKBackends
import TKEngine
import TKEvalCore
import TKTesting

/// NativeModel's prefix-shared scoring against the reference continuation log-likelihoods
/// (transformers float32, lm-evaluation-harness's truthfulqa_mc2 prompts) and against scoring
/// every continuation from scratch.
@Suite(.enabled(if: TestEnvironment.modelAvailable, Comment(rawValue: TestEnvironment.missingModelMessage)))
struct NativeModelTests {
    struct Item: Decodable {
        var q_index: Int
        var context: String
        var continuation: String
        var token_ids: [Int32]
        var n_context_tokens: Int
        var continuation_logprob_sum: [String: Double]
    }

    struct File: Decodable { var items: [Item] }

    static func referenceItems() throws -> [Item] {
        let url = TestEnvironment.referenceDirectory.appendingPathComponent("smollm2-135m-instruct-q4_1.truthfulqa-mc2-first5.json")
        return try JSONDecoder().decode(File.self, from: Data(contentsOf: url)).items
    }

    /// The few-shot primer: everything before the last question.
    static func primer(of context: String) -> String {
        String(context[..<context.range(of: "\n\nQ:", options: .backwards)!.lowerBound]) + "\n\n"
    }

    @Test func resultsDoNotDependOnWhatWasScoredBefore() async throws {
        let items = try Self.referenceItems()
        let model = try TransformerModel(path: TestEnvironment.modelPath)
        let byQuestion = Dictionary(grouping: items, by: \.q_index).sorted { $0.key < $1.key }.map(\.value)
        let requests = byQuestion.prefix(3).map { ScoringRequest(context: $0[0].context, continuations: $0.prefix(3).map(\.continuation),
                                                                 sharedPrefix: Self.primer(of: $0[0].context)) }
        // In order, after a warm cache, versus each alone in a fresh model (as after a resume).
        let inOrder = try await NativeModel(model: model, threads: 2, fingerprint: "a").score(requests)
        for (i, r) in requests.enumerated() {
            let alone = try await NativeModel(model: model, threads: 2, fingerprint: "b").score([r])
            #expect(alone[0].map(\.logprob) == inOrder[i].map(\.logprob), "request \(i) must be bit-identical")
        }
    }

    @Test func sharedPrefixScoresMatchReferenceAndFromScratch() async throws {
        let items = try Self.referenceItems()
        let model = try TransformerModel(path: TestEnvironment.modelPath)
        let native = NativeModel(model: model, threads: 2, fingerprint: "test")
        // Group the reference's continuations by question, as the MC task does.
        let questions = Dictionary(grouping: items, by: \.q_index).sorted { $0.key < $1.key }
        let requests = questions.map { ScoringRequest(context: $0.value[0].context, continuations: $0.value.map(\.continuation),
                                                      wantsTokenDetail: true, sharedPrefix: Self.primer(of: $0.value[0].context)) }
        let scores = try await native.score(requests)

        let scratch = InferenceSession(model: model, threads: 2)
        for (q, (_, group)) in questions.enumerated() {
            for (c, item) in group.enumerated() {
                let ours = scores[q][c]
                #expect(ours.tokenCount == item.token_ids.count - item.n_context_tokens, "question \(q) choice \(c): token boundary")
                #expect(abs(ours.logprob - item.continuation_logprob_sum["hf_fp32"]!) < 0.02 * Double(ours.tokenCount), "question \(q) choice \(c)")
                let full = try scratch.scoreSequence(item.token_ids)
                let fromScratch = full[(item.n_context_tokens - 1)...].reduce(0.0) { $0 + Double($1) }
                #expect(abs(ours.logprob - fromScratch) < 1e-3, "question \(q) choice \(c): shared-prefix \(ours.logprob) vs scratch \(fromScratch)")
            }
        }
        let computed = await native.computedTokens, naive = await native.fromScratchTokens
        #expect(naive == items.reduce(0) { $0 + $1.token_ids.count })
        // The primer is computed once, each question's context once: far less than from scratch.
        #expect(computed * 4 < naive, "computed \(computed) of \(naive) tokens")
    }
}
