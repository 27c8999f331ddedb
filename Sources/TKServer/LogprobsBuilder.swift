import TKTokenizer
import TKOpenAIWire

/// Builds the completions `logprobs` arrays token by token, with `text_offset` counted in
/// characters (Unicode scalars, as Python string indices count them — what OpenAI and vLLM
/// return), not bytes.
struct LogprobsBuilder {
    let tokenizer: Tokenizer
    private(set) var value = OpenAIWire.CompletionLogprobs()
    /// Characters of returned text started before the next token.
    private var characters = 0

    init(tokenizer: Tokenizer, startOffset: Int = 0) {
        self.tokenizer = tokenizer
        characters = startOffset
    }

    /// Appends one token. `holdsText` is false for a BOS the tokenizer added (it is no part of
    /// the prompt text, so it advances no offset).
    mutating func append(_ t: TokenLogprob, holdsText: Bool = true) {
        value.tokens.append(tokenizer.tokenText(t.id))
        value.tokenLogprobs.append(t.logprob.map(Double.init))
        if t.logprob == nil {
            value.topLogprobs?.append(nil)
        } else {
            var top: [String: Double] = [:]
            for alt in t.top {
                let text = tokenizer.tokenText(alt.id)
                // Two ids can show the same text (partial characters); keep the likelier.
                if top[text] == nil { top[text] = Double(alt.logprob) }
            }
            value.topLogprobs?.append(top)
        }
        let bytes = holdsText ? tokenizer.tokenBytes(t.id) : []
        // A token starts in the character that holds its first byte: one that began in an earlier
        // token when the byte is a continuation byte.
        let continues = bytes.first.map { $0 & 0xC0 == 0x80 } ?? false
        value.textOffset.append(continues ? max(0, characters - 1) : characters)
        characters += bytes.count { $0 & 0xC0 != 0x80 }
    }
}
