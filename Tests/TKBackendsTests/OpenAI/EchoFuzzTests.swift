import TKRandom
import Foundation
import TKEngine
import TKEvalCore
import Testing
import TKOpenAIWire
@testable import TKBackends

/// Seeded fuzzing of echoed answers: an intact echo, damaged at random (tokens dropped, repeated,
/// swapped or rewritten, offsets shifted or nudged, log-probabilities zeroed, moved or made
/// positive, arrays cut), must either be refused or score exactly what the intact echo scores:
/// never a different number without an error. A fixed seed and a bounded count keep it a unit
/// test; `ECHO_FUZZ_CASES=200000` runs longer.
@Suite struct EchoFuzzTests {
    struct Echo {
        var tokens: [String]
        var values: [Double?]
        var offsets: [Int]
        var top: [[String: Double]?]?

        var logprobs: OpenAIWire.CompletionLogprobs {
            OpenAIWire.CompletionLogprobs(tokens: tokens, tokenLogprobs: values, topLogprobs: top, textOffset: offsets)
        }
    }

    static let prompts: [(context: String, continuation: String)] = [
        ("Q: What is the capital of France?\nA:", " Paris is the capital."),
        ("Q: Caf\u{E9} or \u{1F469}\u{200D}\u{1F4BB}?\nA:", " Se\u{F1}or \u{1F95B} lait"),
        ("The sky is", " blue, mostly"),
    ]

    /// A server's echo of `prompt`, tokenized like the fake server, with a BOS counted in the
    /// offsets, one not counted, or none.
    static func echo(_ prompt: String, bos: Int, rng: inout SplitMix64) -> Echo {
        var tokens = FakeTokenizer.tokenize(prompt)
        var values: [Double?] = tokens.indices.map { $0 == 0 ? nil : -Double(rng.next() % 8000 + 1) / 1000 }
        var offsets: [Int] = []
        var offset = 0
        for token in tokens {
            offsets.append(offset)
            offset += token.unicodeScalars.count
        }
        if bos > 0 {
            values[0] = -Double(rng.next() % 8000 + 1) / 1000
            tokens.insert("<s>", at: 0)
            values.insert(nil, at: 0)
            offsets = [0] + offsets.map { bos == 1 ? $0 + 3 : $0 }
        }
        let top: [[String: Double]?] = tokens.indices.map { i in values[i].map { [tokens[i]: $0, "<top>": -0.0005] } }
        return Echo(tokens: tokens, values: values, offsets: offsets, top: top)
    }

    static func mutate(_ e: Echo, rng: inout SplitMix64) -> (Echo, String) {
        var e = e
        let n = e.tokens.count
        func index() -> Int { Int(rng.next() % UInt64(n)) }
        switch rng.next() % 12 {
        case 0:
            let i = index()
            e.tokens.remove(at: i); e.values.remove(at: i); e.offsets.remove(at: i); e.top?.remove(at: i)
            return (e, "drop \(i)")
        case 1:
            let i = index()
            e.tokens.insert(e.tokens[i], at: i); e.values.insert(e.values[i], at: i); e.offsets.insert(e.offsets[i], at: i)
            if var top = e.top {
                top.insert(top[i], at: i)
                e.top = top
            }
            return (e, "repeat \(i)")
        case 2:
            let (i, j) = (index(), index())
            e.tokens.swapAt(i, j)
            return (e, "swap texts \(i) \(j)")
        case 3:
            let (i, j) = (index(), index())
            e.tokens.swapAt(i, j); e.values.swapAt(i, j); e.offsets.swapAt(i, j); e.top?.swapAt(i, j)
            return (e, "swap tokens \(i) \(j)")
        case 4:
            let by = Int(rng.next() % 5) - 2
            e.offsets = e.offsets.map { $0 + by }
            return (e, "shift offsets \(by)")
        case 5:
            let i = index()
            let by = Int(rng.next() % 3) + 1
            e.offsets[i] += rng.next() % 2 == 0 ? by : -by
            return (e, "nudge offset \(i)")
        case 6:
            e.values = e.values.map { $0.map { _ in 0 } }
            e.top = e.top?.enumerated().map { i, t in t.map { _ in [e.tokens[i]: 0] } }
            return (e, "zero")
        case 7:
            let scored = e.values.indices.filter { e.values[$0] != nil }
            var moved = scored.map { e.values[$0] }
            moved.shuffle(using: &rng)
            for (slot, value) in zip(scored, moved) { e.values[slot] = value }
            return (e, "shuffle values")
        case 8:
            let i = index()
            e.tokens[i] = ["x", " the", "", "\u{FFFD}", e.tokens[i] + "s", String(e.tokens[i].dropLast())][Int(rng.next() % 6)]
            return (e, "rewrite \(i)")
        case 9:
            let keep = Int(rng.next() % UInt64(n))
            e.tokens = Array(e.tokens.prefix(keep)); e.values = Array(e.values.prefix(keep)); e.offsets = Array(e.offsets.prefix(keep))
            e.top = e.top.map { Array($0.prefix(keep)) }
            return (e, "cut to \(keep)")
        case 10:
            let i = index()
            e.values[i] = [0.5, nil, -.infinity, .nan, 0][Int(rng.next() % 5)]
            return (e, "value \(i)")
        default:
            e.offsets.removeLast()
            return (e, "one offset short")
        }
    }

    @Test func damagedEchoesAreRefusedOrScoreTheSame() throws {
        let cases = ProcessInfo.processInfo.environment["ECHO_FUZZ_CASES"].flatMap(Int.init) ?? 3000
        var rng = SplitMix64(seed: 18)
        var refused = 0, same = 0
        for c in 0..<cases {
            let (context, continuation) = Self.prompts[c % Self.prompts.count]
            let intact = Self.echo(context + continuation, bos: c % 3, rng: &rng)
            func score(_ e: Echo) throws(EchoScoring.Fault) -> ContinuationScore {
                try EchoScoring.score(e.logprobs, prompt: context + continuation, contextLength: context.unicodeScalars.count,
                                      continuation: continuation, wantsDetail: true)
            }
            let expected = try score(intact)
            let (damaged, what) = Self.mutate(intact, rng: &rng)
            do throws(EchoScoring.Fault) {
                let got = try score(damaged)
                same += 1
                #expect(got.tokenLogprobs == expected.tokenLogprobs && got.tokenCount == expected.tokenCount,
                        "case \(c) (\(what), BOS layout \(c % 3)): scored \(got.logprob) instead of \(expected.logprob) without an error")
            } catch {
                refused += 1
            }
        }
        print("echo fuzz: \(cases) cases, \(refused) refused, \(same) scored the same as intact")
        #expect(refused + same == cases)
        // Most damage changes the continuation's numbers; a run where nothing is refused checks nothing.
        #expect(refused > cases / 2, "refused \(refused) of \(cases)")
    }
}
