import Foundation
import Testing
import TKBackends
import TKEngine
import TKEvalCore
import TKTesting

/// Gemma's chat template writes `{{ bos_token }}` itself and its tokenizer adds BOS too: a prompt
/// the template rendered must start with exactly one BOS, and the template's special tokens must
/// be tokens, not text (the engine used to score `<bos><start_of_turn>` as the characters `<`, `bos`, `><`, …).
@Suite(.enabled(if: TestEnvironment.gemma3Available, Comment(rawValue: TestEnvironment.missingGemma3Message)))
struct ChatPromptBOSTests {
    /// What Gemma 3's template renders for one user turn with the generation prompt (as
    /// `truthkit eval --preset chat-template --show-prompt` prints it).
    let rendered = "<bos><start_of_turn>user\nWhat is the capital of France?<end_of_turn>\n<start_of_turn>model\n"

    @Test func templatePromptStartsWithOneBOSAndParsesTurnMarkers() throws {
        let model = try TransformerModel(path: TestEnvironment.gemma3Path)
        let tok = model.tokenizer
        let bos = try #require(tok.bosID)
        #expect(tok.addsBOS && tok.startsWithBOSText(rendered))
        let ids = tok.encodePrompt(rendered)
        #expect(ids.first == bos && ids.filter { $0 == bos }.count == 1)
        let startOfTurn = tok.encode("<start_of_turn>", addSpecial: false, parseSpecial: true)
        #expect(startOfTurn.count == 1 && ids[1] == startOfTurn[0])
        #expect(!ids.contains { tok.tokenText($0) == "bos" }, "the template's <bos> must not be spelled out")
        // A prompt without the BOS text still gets the tokenizer's BOS.
        let plain = tok.encodePrompt("Hello")
        #expect(plain.first == bos && plain.filter { $0 == bos }.count == 1)
    }

    /// Scoring a continuation after the rendered prompt scores the same tokens as the whole
    /// sequence from scratch, continuation tokens found by character offset past the BOS text.
    @Test func scoringAfterATemplatePromptUsesOneBOS() async throws {
        let native = try NativeModel.load(path: TestEnvironment.gemma3Path)
        let tok = native.model.tokenizer
        let context = tok.encodePrompt(rendered)
        let whole = tok.encodePrompt(rendered + "Paris")
        #expect(Array(whole.prefix(context.count)) == context, "the continuation starts on a token boundary here")
        let scored = try await native.score([ScoringRequest(context: rendered, continuations: ["Paris"])])[0][0]
        #expect(scored.tokenCount == whole.count - context.count)
        let session = InferenceSession(model: native.model)
        let lps = try session.scoreSequence(whole)
        let expected = lps[(context.count - 1)...].reduce(0) { $0 + Double($1) }
        #expect(abs(scored.logprob - expected) < 1e-3, "\(scored.logprob) vs \(expected)")
    }
}
