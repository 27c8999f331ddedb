import TKEvalCore
import TKOpenAIWire

/// Turns the echoed prompt log-probabilities of one `/v1/completions` answer into the score of
/// the continuation at the end of the prompt.
///
/// **Where the continuation starts.** The prompt is `context + continuation`, tokenized by the
/// server as one string. A token belongs to the continuation when it starts at or after the
/// boundary (`text_offset ≥ context length`) *or* ends past it, that is, when it carries any
/// continuation text. A token straddling the join therefore counts as continuation — the same
/// rule as the native engine (`TokenBoundary.firstContinuationToken`: the first token whose
/// bytes reach past the context), so both backends score the same tokens of the same text.
/// When the tokenization splits at the join, as it does for lm-eval's usual contexts ending in
/// a space or newline, this is exactly lm-evaluation-harness's rule (the continuation's tokens
/// are those from the first whose offset is at or past the boundary).
///
/// **Partial characters.** A token holding only some bytes of a character has no character
/// position of its own. vLLM shows such tokens as "" at the offset of the token that completes
/// the character; when that token straddles the join, the empty tokens before it are counted
/// with it, as the native engine counts their bytes. Servers that show the partial token's text
/// without its bytes (llama-cpp-python shows " \xf0\x9f" as " ") make such a straddle
/// invisible in the offsets; there the continuation starts one token late.
///
/// **Units.** `text_offset` counts characters of a Python string — Unicode scalars — so the
/// boundary is `context.unicodeScalars.count`, never UTF-8 bytes or Swift `Character`s.
///
/// **Leading special text.** vLLM decodes the prompt's BOS token as text (`<s>`,
/// `<|begin_of_text|>`) and counts it in the offsets, so every offset is shifted by that text's
/// length. Some servers show the BOS token's text without counting it (offset 0 for it and for
/// the first prompt token).
///
/// **The echo is checked before it is scored** (`verifiedEcho`): after an optional leading BOS
/// token, the tokens must spell the prompt at their offsets, each offset must be the running
/// length of the text before it, and the top-1 alternatives must agree with the token's own
/// log-probability; a continuation whose log-probabilities are all exactly 0 is refused. An
/// answer that fails is an error naming the endpoint, never a score: a dropped, repeated or moved
/// token or shifted offsets would otherwise silently score other tokens. Partial-character tokens
/// ("", U+FFFD, `bytes:…`) are checked only through their visible neighbours.
///
/// **Which tokens are the prompt's.** Those whose (shifted) offset is inside the prompt; a token
/// generated after it (when a server needs `max_tokens: 1`) starts at the prompt's end and is ignored.
///
/// **The first token** has no log-probability (nothing predicts it). A server that adds a BOS
/// token makes that the BOS, so an empty context scores the continuation after BOS; a server that
/// adds none leaves the continuation's first token unscorable, which is an error, not a silently
/// shorter continuation.
enum EchoScoring {
    /// Why an answer cannot be scored; the caller adds the endpoint and item.
    enum Fault: Error, Equatable {
        /// The answer holds no echoed prompt tokens.
        case noPromptTokens
        /// The first token (which has no log-probability) carries continuation text.
        case firstTokenUnscorable(emptyContext: Bool)
        /// Anything inconsistent: arrays of different lengths, offsets going backwards or not
        /// following the text, tokens that do not spell the prompt, a null or positive
        /// log-probability inside the continuation, one that disagrees with `top_logprobs`, or a
        /// continuation scored all zeros.
        case malformed(String)
    }

    static func score(
        _ logprobs: OpenAIWire.CompletionLogprobs, prompt: String, contextLength: Int, continuation: String, wantsDetail: Bool
    ) throws(Fault) -> ContinuationScore {
        let tokens = logprobs.tokens
        let offsets = logprobs.textOffset
        let values = logprobs.tokenLogprobs
        let count = tokens.count
        guard values.count == count, offsets.count == count else {
            throw .malformed("logprobs arrays differ in length (tokens \(count), token_logprobs \(values.count), text_offset \(offsets.count))")
        }
        if let top = logprobs.topLogprobs, top.count != count {
            throw .malformed("top_logprobs has \(top.count) entries for \(count) tokens")
        }
        guard count > 0 else { throw .noPromptTokens }
        for i in 1..<max(1, count) where offsets[i] < offsets[i - 1] {
            throw .malformed("text_offset goes backwards at token \(i) (\(offsets[i - 1]) then \(offsets[i]))")
        }

        let promptLength = prompt.unicodeScalars.count
        let (shift, promptTokens) = try verifiedEcho(tokens: tokens, offsets: offsets, prompt: prompt)
        let promptEnd = shift + promptLength

        let boundary = shift + contextLength
        func end(_ i: Int) -> Int { i + 1 < promptTokens ? offsets[i + 1] : promptEnd }
        guard var start = (0..<promptTokens).first(where: { offsets[$0] >= boundary || end($0) > boundary }) else {
            throw .malformed("no echoed token covers the continuation (prompt tokens end at offset \(end(promptTokens - 1)), continuation starts at \(boundary))")
        }
        // Tokens holding only part of a character's bytes show as "" at the offset of the token
        // that completes the character (vLLM's incremental detokenizer). Such a run is one
        // character: when its completing token is the continuation's, so are the partial ones.
        while start > 1, offsets[start - 1] == offsets[start], end(start - 1) == offsets[start - 1], offsets[start] < boundary {
            start -= 1
        }
        if start == 0 {
            // Token 0 is only ever predicted from nothing. Empty-text token 0 is a BOS: skip it.
            guard end(0) <= offsets[0] else { throw .firstTokenUnscorable(emptyContext: contextLength == 0) }
            start = 1
            guard start < promptTokens else { throw .malformed("the continuation has no tokens after the BOS token") }
        }

        var sum = 0.0
        var perToken: [Double] = []
        perToken.reserveCapacity(promptTokens - start)
        var greedy = logprobs.topLogprobs != nil
        for i in start..<promptTokens {
            guard let value = values[i] else {
                throw .malformed("token \(i) (\(tokens[i].debugDescription)) inside the continuation has a null log-probability")
            }
            guard value.isFinite, value <= 1e-3 else {
                throw .malformed("token \(i) (\(tokens[i].debugDescription)) has log-probability \(value), which is not ≤ 0")
            }
            if let top = logprobs.topLogprobs?[i], !isOpaque(tokens[i]) {
                try checkAgainstTop(value, top: top, token: tokens[i], index: i)
            }
            sum += value
            perToken.append(value)
            if greedy {
                guard let top = logprobs.topLogprobs?[i], let best = top.max(by: { $0.value < $1.value }) else {
                    greedy = false
                    continue
                }
                // Greedy when the token is the top-1, or ties with it (a dict can list either of two equal tokens).
                if best.key != tokens[i] && value < best.value { greedy = false }
            }
        }
        if perToken.allSatisfy({ $0 == 0 }) {
            // Probability exactly 1 for every token is what a server that fills in zeros sends,
            // not what a model computes; one token of a long context can round to 0, so a
            // single-token continuation is suspect only when the context's tokens are all 0 too.
            let contextValues = values[1..<start].compactMap { $0 }
            if perToken.count > 1 || contextValues.allSatisfy({ $0 == 0 }) {
                throw .malformed(
                    "every log-probability of the continuation's \(perToken.count) token\(perToken.count == 1 ? "" : "s") is exactly 0 "
                        + "(probability 1), which a model does not compute; the server is filling in zeros"
                )
            }
        }
        return ContinuationScore(
            logprob: sum, tokenCount: promptTokens - start, isGreedy: greedy,
            tokenLogprobs: wantsDetail ? perToken : nil, byteCount: continuation.utf8.count
        )
    }

    /// Token texts that do not show their characters: a token holding part of a character's
    /// bytes, shown as "" (vLLM, llama-cpp-python), with U+FFFD (`truthkit serve`, Hugging Face
    /// decoding) or as `bytes:\xe2\x80` (OpenAI). Their span is checked only through the
    /// visible tokens around them.
    static func isOpaque(_ token: String) -> Bool {
        token.isEmpty || token.unicodeScalars.contains("\u{FFFD}") || token.hasPrefix("bytes:")
    }

    /// Checks that the echo is the prompt and returns where the prompt starts in the offsets
    /// (`shift`: the length of a BOS text counted before it) and how many tokens are the prompt's.
    ///
    /// What is checked: the echo starts at offset 0; after an optional leading BOS token (counted
    /// in the offsets or not), every token whose text is visible spells the prompt at its offset,
    /// the first prompt token starts the prompt, and each visible token's offset plus its length
    /// is the next token's offset (the running length), ending at the prompt's end. A token
    /// dropped, repeated or moved, or offsets shifted, breaks one of these. What cannot be
    /// checked: the span of opaque (partial-character) tokens beyond their neighbours' positions.
    static func verifiedEcho(tokens: [String], offsets: [Int], prompt: String) throws(Fault) -> (shift: Int, promptTokens: Int) {
        let target = Array(prompt.unicodeScalars)
        let count = tokens.count
        guard offsets[0] == 0 else {
            // A server that ignores `echo` shows only generated tokens, after the prompt.
            if offsets[0] >= target.count { throw .noPromptTokens }
            throw .malformed("the echoed prompt starts at text_offset \(offsets[0]) instead of 0, so the offsets are shifted")
        }
        var layouts: [(lead: Int, shift: Int)] = [(0, 0)]
        if count > 1 {
            // A BOS token whose text is counted in the offsets (vLLM), or one that is not.
            layouts.append((1, tokens[0].unicodeScalars.count))
            if tokens[0].unicodeScalars.count != 0 { layouts.append((1, 0)) }
        }
        var best: (index: Int, problem: String)?
        for (lead, shift) in layouts {
            switch check(tokens: tokens, offsets: offsets, target: target, lead: lead, shift: shift) {
            case .success(let promptTokens):
                return (shift, promptTokens)
            case .failure(let failure):
                if best == nil || failure.index > best!.index { best = (failure.index, failure.problem) }
            }
        }
        throw .malformed("the echoed tokens do not spell the prompt: " + (best?.problem ?? "no token matches it"))
    }

    private struct Mismatch: Error {
        var index: Int
        var problem: String
    }

    /// One layout of `verifiedEcho`: prompt tokens from `lead` on, prompt text starting at offset `shift`.
    private static func check(tokens: [String], offsets: [Int], target: [Unicode.Scalar], lead: Int, shift: Int) -> Result<Int, Mismatch> {
        let promptEnd = shift + target.count
        var end = lead
        while end < tokens.count, offsets[end] < promptEnd { end += 1 }
        guard end > lead else { return .failure(Mismatch(index: lead, problem: "no token starts inside the prompt")) }
        guard offsets[lead] == shift else {
            return .failure(Mismatch(index: lead, problem: "the first prompt token is at text_offset \(offsets[lead]), not \(shift)"))
        }
        func quote(_ scalars: ArraySlice<Unicode.Scalar>) -> String {
            var text = ""
            text.unicodeScalars.append(contentsOf: scalars.prefix(40))
            return text.debugDescription
        }
        for i in lead..<end where !isOpaque(tokens[i]) {
            let text = Array(tokens[i].unicodeScalars)
            let position = offsets[i] - shift
            let there = target[min(position, target.count)..<min(position + text.count, target.count)]
            guard position + text.count <= target.count, there.elementsEqual(text) else {
                return .failure(Mismatch(
                    index: i,
                    problem: "token \(i) \(tokens[i].debugDescription) at text_offset \(offsets[i]) does not match the prompt there (\(quote(there)))"
                ))
            }
            let next = i + 1 < end ? offsets[i + 1] : promptEnd
            if i + 1 == end || !isOpaque(tokens[i + 1]), next != offsets[i] + text.count {
                let what = i + 1 < end ? "token \(i + 1) starts at text_offset \(next)" : "the prompt ends at offset \(next)"
                return .failure(Mismatch(
                    index: i + 1,
                    problem: "token \(i) \(tokens[i].debugDescription) at text_offset \(offsets[i]) ends at \(offsets[i] + text.count), but \(what) "
                        + "(a token dropped or repeated, or offsets that do not follow the text)"
                ))
            }
        }
        return .success(end)
    }

    /// Checks a token's log-probability against the `top_logprobs` of its position: equal to its
    /// own entry there, and no larger than the best one when it is not listed. Values moved
    /// between positions break this when the server sends both; without `top_logprobs`, or when a
    /// server moves both together, the move cannot be seen.
    static func checkAgainstTop(_ value: Double, top: [String: Double], token: String, index: Int) throws(Fault) {
        // Servers write both from the same number; allow only a float32 round trip's difference.
        func close(_ a: Double, _ b: Double) -> Bool { abs(a - b) <= 1e-5 * max(1, abs(a), abs(b)) }
        if let listed = top[token] {
            guard close(value, listed) else {
                throw .malformed(
                    "token \(index) \(token.debugDescription) has log-probability \(value) in token_logprobs but \(listed) in top_logprobs"
                )
            }
        } else if let best = top.values.max(), value > best, !close(value, best) {
            throw .malformed(
                "token \(index) \(token.debugDescription) has log-probability \(value), above the best alternative in top_logprobs (\(best))"
            )
        }
    }

    /// Tokens after the prompt: what a server generated although asked for none (llama-cpp-python
    /// reads `max_tokens: 0` as "until the context is full").
    static func generatedTokenCount(_ logprobs: OpenAIWire.CompletionLogprobs, prompt: String) -> Int {
        guard logprobs.tokens.count == logprobs.textOffset.count else { return 0 }
        let promptEnd = leadingShift(tokens: logprobs.tokens, offsets: logprobs.textOffset, prompt: prompt) + prompt.unicodeScalars.count
        return logprobs.textOffset.filter { $0 >= promptEnd }.count
    }

    /// Length of text the server counts before the prompt (a BOS token decoded as `<s>`): the
    /// first of 0 and the first few tokens' offsets from which the joined tokens read as the prompt.
    static func leadingShift(tokens: [String], offsets: [Int], prompt: String) -> Int {
        let joined = Array(tokens.joined().unicodeScalars)
        let target = Array(prompt.unicodeScalars)
        var candidates = [0]
        for offset in offsets.prefix(4) where !candidates.contains(offset) { candidates.append(offset) }
        for shift in candidates where shift >= 0 && shift + target.count <= joined.count {
            if joined[shift..<(shift + target.count)].elementsEqual(target) { return shift }
        }
        return 0
    }
}
