import Foundation

/// Tian et al. 2023's verbalized confidence (App. C, Table 6): the prompts and the reading of the
/// replies, as pure functions. A reply that cannot be read is a `ParseFailure`, named and counted
/// by the caller, never guessed.
public enum VerbalizedConfidence {
    public enum Style: Sendable, Equatable {
        /// Verb. 1S top-1: one guess and its probability.
        case top1
        /// Verb. 1S top-k: k guesses with probabilities; the highest-probability guess is used.
        case topK(Int)
        /// Ling. 1S: one guess and one of the 13 expressions of likelihood.
        case linguistic

        public var id: String {
            switch self {
            case .top1: "verb-1s-top1"
            case .topK(let k): "verb-1s-top\(k)"
            case .linguistic: "ling-1s"
            }
        }
    }

    /// Tian's Verb. 1S top-1 prompt, verbatim (methods-round2 §A.4).
    public static func top1Prompt(question: String) -> String {
        "Provide your best guess and the probability that it is correct (0.0 to 1.0) for the following question. Give ONLY the guess and probability, no other words or explanation. For example:\n\nGuess: <most likely guess, as short as possible; not a complete sentence, just the guess!>\n Probability: <the probability between 0.0 and 1.0 that your guess is correct, without any extra commentary whatsoever; just the probability!>\n\nThe question is: \(question)"
    }

    /// Verb. 1S top-k: the top-1 prompt with `G1:`/`P1:` … `Gk:`/`Pk:` (§A.4 gives only "same with";
    /// the wording follows the paper's top-k prompt).
    public static func topKPrompt(question: String, k: Int) -> String {
        let guesses = (1...k).map { "G\($0): <\($0 == 1 ? "most likely" : "\(ordinal($0)) most likely") guess, as short as possible; not a complete sentence, just the guess!>\n\nP\($0): <the probability between 0.0 and 1.0 that G\($0) is correct, without any extra commentary whatsoever; just the probability!>" }
        return "Provide your \(k) best guesses and the probability that each is correct (0.0 to 1.0) for the following question. Give ONLY the guesses and probabilities, no other words or explanation. For example:\n\n" + guesses.joined(separator: "\n\n") + "\n\nThe question is: \(question)"
    }

    /// Ling. 1S: the top-1 layout with a confidence expression from the 13 in place of the
    /// probability (§A.4 lists the expressions; the wording follows the paper's Ling. 1S prompt).
    public static func linguisticPrompt(question: String) -> String {
        "Provide your best guess for the following question, and describe how likely it is that your guess is correct as one of the following expressions: \(expressions.map(\.name).joined(separator: ", ")). Give ONLY the guess and your confidence, no other words or explanation. For example:\n\nGuess: <most likely guess, as short as possible; not a complete sentence, just the guess!>\nConfidence: <description of confidence, without any extra commentary whatsoever; just a short phrase!>\n\nThe question is: \(question)"
    }

    public static func prompt(_ style: Style, question: String) -> String {
        switch style {
        case .top1: top1Prompt(question: question)
        case .topK(let k): topKPrompt(question: question, k: k)
        case .linguistic: linguisticPrompt(question: question)
        }
    }

    private static func ordinal(_ n: Int) -> String {
        let words = ["second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth"]
        return (2...10).contains(n) ? words[n - 2] : "\(n)th"
    }

    /// Tian's 13 expressions (Fig. 3) with the probability a reader gives each (Ling-human):
    /// approximate medians of the Fagen-Ulmschneider "Perception of Probability Words" survey the
    /// paper maps them with, as this project recorded them — not checked against the paper's
    /// table, which the stored sources do not give. `Ling-opt` (fitted per expression on held-out
    /// folds) needs no such table.
    public static let expressions: [(name: String, probability: Double)] = [
        ("Almost No Chance", 0.02), ("Highly Unlikely", 0.05), ("Chances are Slight", 0.10), ("Little Chance", 0.10),
        ("Unlikely", 0.20), ("Probably Not", 0.25), ("About Even", 0.50), ("Better than Even", 0.60), ("Likely", 0.70),
        ("Probably", 0.70), ("Very Good Chance", 0.80), ("Highly Likely", 0.90), ("Almost Certain", 0.95),
    ]

    /// A read reply: the guess and its confidence (for Ling. 1S the expression too).
    public struct Reading: Sendable, Codable, Equatable {
        public var guess: String
        public var confidence: Double
        public var expression: String?
    }

    public struct ParseFailure: Error, Sendable, Codable, Equatable, CustomStringConvertible {
        public var reason: String
        public var description: String { reason }
    }

    /// Reads a reply in `style`.
    public static func parse(_ reply: String, style: Style) -> Result<Reading, ParseFailure> {
        switch style {
        case .top1:
            guard let guess = field("Guess", in: reply) else { return .failure(ParseFailure(reason: "no `Guess:` line")) }
            guard let text = field("Probability", in: reply) else { return .failure(ParseFailure(reason: "no `Probability:` line")) }
            return probability(text).map { Reading(guess: guess, confidence: $0, expression: nil) }
        case .topK(let k):
            var best: Reading?
            var problems: [String] = []
            for i in 1...k {
                guard let guess = field("G\(i)", in: reply), let text = field("P\(i)", in: reply) else { continue }
                switch probability(text) {
                case .success(let p): if best == nil || p > best!.confidence { best = Reading(guess: guess, confidence: p, expression: nil) }
                case .failure(let f): problems.append("P\(i): \(f.reason)")
                }
            }
            if let best { return .success(best) }
            return .failure(ParseFailure(reason: problems.isEmpty ? "no `G1:`/`P1:` … pair" : problems.joined(separator: "; ")))
        case .linguistic:
            guard let guess = field("Guess", in: reply) else { return .failure(ParseFailure(reason: "no `Guess:` line")) }
            guard let text = field("Confidence", in: reply) else { return .failure(ParseFailure(reason: "no `Confidence:` line")) }
            guard let match = expression(in: text) else {
                return .failure(ParseFailure(reason: "confidence '\(text.prefix(40))' is none of the 13 expressions"))
            }
            return .success(Reading(guess: guess, confidence: match.probability, expression: match.name))
        }
    }

    /// The value after `name:` on its line (case-insensitive), trimmed; nil when absent or empty.
    static func field(_ name: String, in reply: String) -> String? {
        for line in reply.split(whereSeparator: \.isNewline) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard trimmed.lowercased().hasPrefix(name.lowercased() + ":") else { continue }
            let value = trimmed.dropFirst(name.count + 1).trimmingCharacters(in: .whitespaces)
            return value.isEmpty ? nil : value
        }
        return nil
    }

    /// A probability written as `0.8`, `.8`, `1` or `80%`; anything else, or a value outside 0…1, fails.
    static func probability(_ text: String) -> Result<Double, ParseFailure> {
        let scanner = text.trimmingCharacters(in: .whitespaces)
        let number = scanner.prefix { $0.isNumber || $0 == "." }
        guard let value = Double(number) else { return .failure(ParseFailure(reason: "probability '\(text.prefix(40))' is not a number")) }
        let p = scanner.dropFirst(number.count).hasPrefix("%") ? value / 100 : value
        guard (0...1).contains(p) else { return .failure(ParseFailure(reason: "probability \(p) is outside 0…1")) }
        return .success(p)
    }

    /// The longest expression the text contains (so `Highly Unlikely` is not read as `Unlikely`,
    /// nor `Probably Not` as `Probably`).
    static func expression(in text: String) -> (name: String, probability: Double)? {
        let lower = text.lowercased()
        return expressions.filter { lower.contains($0.name.lowercased()) }.max { $0.name.count < $1.name.count }
    }
}
