import Testing
import TKEngine

@Suite struct GenerationTests {
    @Test func stopMatcherHoldsBackPossibleStopPrefixes() {
        var m = StopSequenceMatcher(stops: ["\n\n", "Q:"])
        #expect(m.feed("Hello") == .emit("Hello"))
        #expect(m.feed(" wor\n") == .emit(" wor"))
        #expect(m.feed("ld") == .emit("\nld"))
        #expect(m.feed(" Q") == .emit(" "))
        #expect(m.feed(": next") == .stop(emitting: "", matched: "Q:"))
    }

    @Test func stopMatcherFlushesHeldTextAtTheEnd() {
        var m = StopSequenceMatcher(stops: ["END"])
        #expect(m.feed("abcEN") == .emit("abc"))
        #expect(m.finish() == "EN")
    }

    @Test func greedySamplingIsArgmaxWithLowestIdOnTies() {
        var s = Sampler(settings: .greedy)
        #expect(s.sample([0.1, 2, 2, -1]) == 1)
    }

    @Test func seededSamplingIsReproducibleAndRespectsTopK() {
        let logits: [Float] = (0..<50).map { Float($0 % 7) * 0.3 }
        let settings = SamplingSettings(temperature: 0.9, topK: 3, topP: 1, seed: 7)
        var a = Sampler(settings: settings), b = Sampler(settings: settings)
        let draws = (0..<200).map { _ in a.sample(logits) }
        #expect(draws == (0..<200).map { _ in b.sample(logits) })
        // The three largest logits are at ids with id % 7 == 6: 6, 13, 20 (ties broken by id).
        #expect(Set(draws).isSubset(of: [6, 13, 20]))
        #expect(Set(draws).count > 1)
    }

    @Test func topPKeepsTheSmallestSetReachingTheMass() {
        // Probabilities ≈ 0.64, 0.24, 0.09, 0.03: top-p 0.8 keeps the first two.
        let logits: [Float] = [3, 2, 1, 0]
        var s = Sampler(settings: SamplingSettings(temperature: 1, topP: 0.8, seed: 1))
        let draws = Set((0..<300).map { _ in s.sample(logits) })
        #expect(draws == [0, 1])
    }

    @Test func generationStopsAtMaxTokensAndReportsLength() throws {
        let (_, model) = try loadTiny()
        let session = InferenceSession(model: model)
        let r = try session.generate(GenerationRequest(prompt: [3, 4, 5], maxTokens: 6, sampling: SamplingSettings(temperature: 0.8, seed: 3)))
        #expect(r.tokens.count <= 6)
        if r.finishReason == .length { #expect(r.tokens.count == 6) }
        #expect(r.tokenLogprobs.allSatisfy { $0 <= 0 })
        // Same seed, same output; reusing the cached prompt changes nothing.
        let again = try session.generate(GenerationRequest(prompt: [3, 4, 5], maxTokens: 6, sampling: SamplingSettings(temperature: 0.8, seed: 3)))
        #expect(again.tokens == r.tokens)
        #expect(again.reusedPromptTokens == 2)
    }

    @Test func greedyGenerationFollowsTheArgmaxOfFullRecompute() throws {
        let (_, model) = try loadTiny()
        let session = InferenceSession(model: model)
        let prompt: [Int32] = [7, 2, 9]
        let r = try session.generate(GenerationRequest(prompt: prompt, maxTokens: 5))
        var seq = prompt
        let check = InferenceSession(model: model)
        for t in r.tokens {
            let l = try logits(check, seq)
            #expect(Sampler.argmax(l[seq.count - 1]) == t)
            seq.append(t)
            if t == 0 { break }
        }
    }
}
