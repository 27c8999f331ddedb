import Foundation
import TKEvalCore
import TKOpenAIWire

extension OpenAIModel {
    /// Scores every continuation, up to `concurrency` at a time, results in request order.
    ///
    /// - Throws: `OpenAIError` for the first item that failed for good (the rest are cancelled):
    ///   `.invalidRequest` for an empty continuation, `.noPromptLogprobs` for a server that does
    ///   not echo prompt log-probabilities, `.malformedResponse`, `.httpStatus`, `.connectionFailed`…
    public func score(_ requests: [ScoringRequest]) async throws -> [[ContinuationScore]] {
        var units: [(request: Int, continuation: Int)] = []
        for (r, request) in requests.enumerated() {
            for (c, continuation) in request.continuations.enumerated() {
                guard !continuation.isEmpty else {
                    throw OpenAIError(
                        .invalidRequest, "an empty continuation has no tokens to score; every choice needs text.",
                        item: Self.itemName(request: r, continuation: c)
                    )
                }
                units.append((r, c))
            }
        }
        var results: [[ContinuationScore?]] = requests.map { Array(repeating: nil, count: $0.continuations.count) }
        try await withThrowingTaskGroup(of: (Int, Int, ContinuationScore).self) { group in
            var nextUnit = 0
            func addNext() {
                guard nextUnit < units.count else { return }
                let (r, c) = units[nextUnit]
                nextUnit += 1
                let request = requests[r]
                group.addTask {
                    let score = try await self.scoreOne(
                        context: request.context, continuation: request.continuations[c],
                        wantsDetail: request.wantsTokenDetail, item: Self.itemName(request: r, continuation: c)
                    )
                    return (r, c, score)
                }
            }
            // A sliding window: `concurrency` items in flight, one more as each finishes.
            for _ in 0..<min(configuration.concurrency, units.count) { addNext() }
            while let (r, c, score) = try await group.next() {
                results[r][c] = score
                addNext()
            }
        }
        return try results.enumerated().map { r, row in
            try row.enumerated().map { c, score in
                guard let score else {
                    throw OpenAIError(.malformedResponse, "no score was produced (internal error).", item: Self.itemName(request: r, continuation: c))
                }
                return score
            }
        }
    }

    static func itemName(request: Int, continuation: Int) -> String {
        "request \(request), continuation \(continuation)"
    }

    /// One `POST /completions` with echo, retried as the transport decides.
    func scoreOne(context: String, continuation: String, wantsDetail: Bool, item: String) async throws -> ContinuationScore {
        let prompt = context + continuation
        let contextLength = context.unicodeScalars.count
        let model = configuration.model
        let (score, endpoint, generated) = try await transport.perform(
            item: item, method: .post, path: "completions", maxTokensFallback: true,
            body: { oneToken in
                try JSONEncoder().encode(OpenAIWire.CompletionRequest(
                    model: model, prompt: prompt, maxTokens: oneToken ? 1 : 0, echo: true, logprobs: 1, temperature: 0
                ))
            },
            decode: { answer in
                let endpoint = answer.endpoint
                let response: OpenAIWire.CompletionResponse
                do {
                    response = try JSONDecoder().decode(OpenAIWire.CompletionResponse.self, from: answer.body)
                } catch {
                    throw OpenAITransport.Retryable(error: OpenAIError(
                        .malformedResponse,
                        "\(endpoint.absoluteString) answered /completions with a body that is not a completion (\(Self.decodingSummary(error))): "
                            + Self.preview(answer.body),
                        endpoint: endpoint, status: 200, cause: error
                    ))
                }
                guard let choice = response.choices.first else {
                    throw OpenAITransport.Retryable(error: OpenAIError(
                        .malformedResponse, "\(endpoint.absoluteString) answered /completions with no choices.", endpoint: endpoint, status: 200
                    ))
                }
                guard let logprobs = choice.logprobs else {
                    throw Self.noPromptLogprobs(endpoint)
                }
                let fault: EchoScoring.Fault
                do throws(EchoScoring.Fault) {
                    let score = try EchoScoring.score(
                        logprobs, prompt: prompt, contextLength: contextLength, continuation: continuation, wantsDetail: wantsDetail
                    )
                    let generated = answer.oneToken ? 0 : EchoScoring.generatedTokenCount(logprobs, prompt: prompt)
                    return (score, endpoint, generated)
                } catch {
                    fault = error
                }
                switch fault {
                case .noPromptTokens:
                    throw Self.noPromptLogprobs(endpoint)
                case .firstTokenUnscorable(let emptyContext):
                    throw OpenAIError(
                        .invalidRequest,
                        emptyContext
                            ? "\(endpoint.absoluteString) adds no BOS token, so with an empty context the continuation's first token "
                                + "has no log-probability. Give every request a context (a prompt or primer)."
                            : "\(endpoint.absoluteString) tokenized the context and the continuation into one first token, which has "
                                + "no log-probability; give the request a longer context.",
                        endpoint: endpoint, status: 200
                    )
                case .malformed(let what):
                    throw OpenAIError(
                        .malformedResponse, "\(endpoint.absoluteString) returned log-probabilities that cannot be right: \(what). "
                            + "The item is not scored; check the server (or a proxy in front of it) before trusting its numbers.",
                        endpoint: endpoint, status: 200
                    )
                }
            }
        )
        if generated > 0 {
            // The server generated although asked for no tokens; ask it for one from now on,
            // rather than paying for a generation to the end of the context on every request.
            await transport.pool.requireOneToken(url: endpoint)
        }
        return score
    }

    static func noPromptLogprobs(_ endpoint: URL) -> OpenAIError {
        OpenAIError(
            .noPromptLogprobs,
            "\(endpoint.absoluteString) does not return prompt log-probabilities (it ignores echo/logprobs on /completions), "
                + "so it cannot score continuations. Use --mode lettered, which asks the model to answer with a letter instead.",
            endpoint: endpoint, status: 200
        )
    }

    /// A one-line account of a JSON decoding failure.
    static func decodingSummary(_ error: any Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, _): return "missing '\(key.stringValue)'"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            return "wrong type at '\(context.codingPath.map(\.stringValue).joined(separator: "."))'"
        case DecodingError.dataCorrupted: return "not valid JSON"
        default: return "\(error)"
        }
    }
}
