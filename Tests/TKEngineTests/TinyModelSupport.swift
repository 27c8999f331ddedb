import Foundation
import TKEngine
import TKKernels
import TKTesting

/// Loads a tiny model into the engine (through a real GGUF file) with its naive reference.
func loadTiny(_ configure: (inout TinyModel.Config) -> Void = { _ in }) throws -> (TinyModel, TransformerModel) {
    var config = TinyModel.Config()
    configure(&config)
    let tiny = TinyModel(config: config)
    let path = try tiny.writeToTemporaryFile()
    defer { try? FileManager.default.removeItem(atPath: path) }
    // The mapping stays valid after the path is unlinked.
    return (tiny, try TransformerModel(path: path))
}

func maxAbsDiff(_ a: [Float], _ b: [Float]) -> Float {
    precondition(a.count == b.count)
    return zip(a, b).map { abs($0 - $1) }.max() ?? 0
}

func logits(_ session: InferenceSession, _ tokens: [Int32]) throws -> [[Float]] {
    session.reset()
    let hidden = try session.forward(.sequence(tokens, startingAt: 0, outputs: .all))
    let l = session.logits(fromHidden: hidden)
    return (0..<l.rows).map { l.row($0) }
}
