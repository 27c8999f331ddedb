import Foundation
import TKEngine
import TKKernels
import TKTesting
@testable import TKInterventions

/// Shared fixtures for the ITI and steering tests: a tiny random model loaded through a real GGUF
/// file, and labelled answers whose text uses only the tiny vocabulary (lowercase letters, space, punctuation).
enum ActivationFixture {
    static func load(_ configure: (inout TinyModel.Config) -> Void = { _ in }) throws -> (TinyModel, TransformerModel) {
        var config = TinyModel.Config()
        configure(&config)
        let tiny = TinyModel(config: config)
        let path = try tiny.writeToTemporaryFile()
        defer { try? FileManager.default.removeItem(atPath: path) }
        return (tiny, try TransformerModel(path: path))  // the mapping outlives the unlinked path
    }

    static let words = ["sky", "cat", "bird", "red", "moon", "fish", "tree", "rock", "wind", "snow", "road", "king"]

    /// `questions` questions with three or four short answers each (at least one true and one false).
    static func examples(questions: Int = 8) -> [ProbeExample] {
        var out: [ProbeExample] = []
        for q in 0..<questions {
            let question = "is \(words[q % words.count]) \(words[(q * 5 + 3) % words.count])?"
            let answers: [(String, Bool)] = [("yes.", true), ("no, \(words[(q + 1) % words.count]).", false), ("no comment.", true)]
                + (q % 2 == 0 ? [("a \(words[(q + 7) % words.count]).", false)] : [])
            for (a, t) in answers { out.append(ProbeExample(questionIndex: 100 + q, prompt: "q \(question) a \(a)", isTrue: t)) }
        }
        return out
    }

    /// Logits for every position of `tokens`, from an empty cache.
    static func logits(_ model: TransformerModel, _ tokens: [Int32], hooks: Hooks = Hooks()) throws -> [Float] {
        let session = InferenceSession(model: model)
        let hidden = try session.forward(.sequence(tokens, startingAt: 0, outputs: .all), hooks: hooks)
        return session.logits(fromHidden: hidden).values
    }

    static let tokens: [Int32] = [3, 17, 5, 9, 22, 1, 30, 12]

    static func maxAbsDiff(_ a: [Float], _ b: [Float]) -> Float {
        precondition(a.count == b.count)
        return zip(a, b).map { abs($0 - $1) }.max() ?? 0
    }

    static func temporaryPath(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("\(name)-\(UUID().uuidString).json").path
    }
}
