import Foundation
import TKEngine

/// Integrative decoding (Cheng et al., ICLR 2025): draw k answers by sampling; build k inputs that
/// each show one answer and ask the question again; decode them in lockstep, choosing each next
/// token from the mean of the k inputs' logit vectors, and append it to every input.
///
/// The reference builds `Question: {question} \nAnswer: {sampled}\n\nAnswer the above question
/// again with one or two sentences. Ensure the factuality of the answer.\nRefined Answer: `. The
/// engine sees a prompt, not a question, so the re-asking input is the prompt as given (which ends
/// where the answer starts: the QA preset's `A:`), the sampled answer, and the reference's
/// instruction — `reask(prompt, answer)`.
///
/// Generation only (no hooks, no scoring rule: multiple choice is the model's own). `k = 0` asks
/// nothing again and decodes from the model's own logits: generation is the baseline's exactly.
public struct IntegrativeDecoding: Intervention {
    public var name: String { "id" }
    public var sampling: AnswerSampling
    /// Builds the re-asking input from the prompt text and one sampled answer's text.
    public var reask: PromptRewrite.Template

    /// The reference's sampling (T = 0.7, top-p 0.8); it varies k from 1 to 16 with gains
    /// log-linear in k — 4 keeps a 135M-model run short.
    public static let defaultCount = 4
    public static let defaultTemperature = 0.7
    public static let defaultTopP = 0.8

    /// The reference's instruction after the sampled answer.
    public static let instruction = "\n\nAnswer the above question again with one or two sentences. Ensure the factuality of the answer.\nRefined Answer:"

    /// The re-asking input of the reference, on a prompt that ends where the answer starts.
    public static let referenceReask = PromptRewrite.Template(label: "id-reference") { prompt, answer in
        prompt + answer + instruction
    }

    /// The reference's instruction, then the prompt's last block (after its last blank line: the
    /// QA preset's `Q: …\nA:`) asked again, so the refined answer is cued the way the prompt's
    /// few-shot examples taught. A 135M model answers the reference's bare `Refined Answer:` with
    /// a line break (an empty answer under the QA stops); this keeps the prompt's own format.
    public static let repeatReask = PromptRewrite.Template(label: "id-repeat") { prompt, answer in
        let block = prompt.range(of: "\n\n", options: .backwards).map { String(prompt[$0.upperBound...]) } ?? prompt
        return prompt + answer + instruction.replacingOccurrences(of: "\nRefined Answer:", with: "") + "\n\n" + block
    }

    /// The re-asking inputs by name, for specs.
    public static let reasks = ["repeat": repeatReask, "reference": referenceReask]

    public init(sampling: AnswerSampling, reask: PromptRewrite.Template = IntegrativeDecoding.repeatReask) {
        self.sampling = sampling
        self.reask = reask
    }

    public var settings: [String: String] {
        sampling.settings.merging(["reask": reask.label]) { a, _ in a }
    }

    public func hooks(for model: TransformerModel) throws -> Hooks { Hooks() }

    public func validate(for model: TransformerModel) throws {
        try sampling.validate(method: name)
    }

    public func makeProcessor(model: TransformerModel, session: InferenceSession, promptText: String?,
                              promptTokens: [Int32]) throws -> (any LogitsProcessor)? {
        try validate(for: model)
        guard sampling.count == 0 || promptText != nil else {
            throw InterventionError(.missingKey, "id: the re-asking inputs are built from the prompt's text, which this caller did not give")
        }
        return IntegrativeDecodingProcessor(method: self, model: model, threads: session.compute.threads,
                                            promptText: promptText ?? "", promptCount: promptTokens.count)
    }
}

extension PromptRewrite {
    /// A context built from the prompt and one more piece of text (integrative decoding's
    /// re-asking input from a sampled answer); `label` names it in run settings.
    public struct Template: Sendable {
        public let label: String
        public let build: @Sendable (_ prompt: String, _ answer: String) -> String

        public init(label: String, build: @escaping @Sendable (_ prompt: String, _ answer: String) -> String) {
            self.label = label
            self.build = build
        }

        public func callAsFunction(_ prompt: String, _ answer: String) -> String { build(prompt, answer) }
    }
}
