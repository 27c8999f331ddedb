/// Locating an assistant answer inside the rendered conversation, for scoring the answer's
/// tokens only (the `chat-template` prompt preset).
extension ChatTemplate {
    /// Renders `messages` followed by an assistant message `answer`, and returns where the answer
    /// lies in the text, as indices into the returned string.
    ///
    /// Why a sentinel: templates add role headers, end-of-turn tokens, and sometimes strip or
    /// move content, so counting characters or tokens from outside is fragile. The conversation is
    /// rendered once with a unique placeholder answer to find where the answer goes, then with
    /// the real answer, and the real render must equal the placeholder render with the answer
    /// spliced in. Templates that trim the content (Llama 3's `| trim`) are handled by locating
    /// the trimmed answer; any other rewrite of the answer throws rather than guess.
    /// - Throws: ``ChatTemplateError`` when the template fails, drops the answer, writes it more
    ///   than once, or changes it other than by trimming whitespace.
    public func renderAnswer(messages: [ChatMessage], answer: String, bosToken: String = "", eosToken: String = "",
                             variables: [String: TemplateValue] = [:]) throws -> (text: String, answerRange: Range<String.Index>)
    {
        var sentinel = "TKANSWERSENTINEL"
        var attempt = 0
        while source.contains(sentinel) || answer.contains(sentinel)
            || messages.contains(where: { $0.content.contains(sentinel) || $0.role.contains(sentinel) })
        {
            attempt += 1
            sentinel = "TKANSWERSENTINEL\(attempt)X"
        }
        let withSentinel = try render(messages: messages + [ChatMessage(role: "assistant", content: sentinel)],
                                      addGenerationPrompt: false, bosToken: bosToken, eosToken: eosToken,
                                      variables: variables)
        let ranges = withSentinel.ranges(of: sentinel)
        guard ranges.count == 1, let found = ranges.first else {
            throw ChatTemplateError(
                kind: .render,
                message: ranges.isEmpty
                    ? "the template does not write the assistant's answer into the conversation, so its position cannot be found"
                    : "the template writes the assistant's answer \(ranges.count) times, so its position is ambiguous",
                line: 0, column: 0)
        }
        let prefix = String(withSentinel[..<found.lowerBound])
        let suffix = String(withSentinel[found.upperBound...])
        let actual = try render(messages: messages + [ChatMessage(role: "assistant", content: answer)],
                                addGenerationPrompt: false, bosToken: bosToken, eosToken: eosToken, variables: variables)
        let trimmed = PythonString.strip(answer, nil, leading: true, trailing: true)
        for candidate in [answer, trimmed] where actual == prefix + candidate + suffix {
            let start = actual.unicodeScalars.index(actual.startIndex, offsetBy: prefix.unicodeScalars.count)
            let end = actual.unicodeScalars.index(start, offsetBy: candidate.unicodeScalars.count)
            return (actual, start..<end)
        }
        throw ChatTemplateError(
            kind: .render,
            message: "the template rewrites the assistant's answer (beyond trimming whitespace), so its position in the text cannot be located exactly",
            line: 0, column: 0)
    }

    /// `renderAnswer` with the answer's position as character offsets (`Character` counts from
    /// the start of `text`), for callers that store or compare positions.
    public func renderAnswerOffsets(messages: [ChatMessage], answer: String, bosToken: String = "", eosToken: String = "",
                                    variables: [String: TemplateValue] = [:]) throws -> (text: String, answerOffsets: Range<Int>)
    {
        let (text, range) = try renderAnswer(messages: messages, answer: answer, bosToken: bosToken, eosToken: eosToken,
                                             variables: variables)
        let start = text.distance(from: text.startIndex, to: range.lowerBound)
        let end = start + text.distance(from: range.lowerBound, to: range.upperBound)
        return (text, start..<end)
    }
}
