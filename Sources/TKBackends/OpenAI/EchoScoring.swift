import TKEvalCore

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
/// length. The shift is found by locating the prompt in the echoed tokens: the first of 0 or a
/// leading token's offset from which the concatenated tokens read as the prompt. When no such
/// point exists (tokens shown as `bytes:\xe2` and the like) the offsets are taken as they are.
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
        /// Anything inconsistent: arrays of different lengths, offsets going backwards, a null
        /// or positive log-probability inside the continuation.
        case malformed(String)
    }

    static func score(
        _ logprobs: OpenAIWire.Logprobs, prompt: String, contextLength: Int, continuation: String, wantsDetail: Bool
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
        let shift = leadingShift(tokens: tokens, offsets: offsets, prompt: prompt)
        let promptEnd = shift + promptLength
        // Tokens that start inside the prompt; anything after is generated text.
        var promptTokens = 0
        while promptTokens < count, offsets[promptTokens] < promptEnd { promptTokens += 1 }
        guard promptTokens > 0 else { throw .noPromptTokens }

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
        return ContinuationScore(
            logprob: sum, tokenCount: promptTokens - start, isGreedy: greedy,
            tokenLogprobs: wantsDetail ? perToken : nil, byteCount: continuation.utf8.count
        )
    }

    /// Tokens after the prompt: what a server generated although asked for none (llama-cpp-python
    /// reads `max_tokens: 0` as "until the context is full").
    static func generatedTokenCount(_ logprobs: OpenAIWire.Logprobs, prompt: String) -> Int {
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
