import Foundation
import TKEngine
import TKTesting

/// A tiny random model loaded through a real GGUF file, with the naive reference beside it.
func tinyModel(layers: Int = 4, vocab: Int = 40, seed: UInt64 = 42) throws -> (TinyModel, TransformerModel) {
    var config = TinyModel.Config()
    config.layers = layers
    config.vocab = vocab
    let tiny = TinyModel(config: config, seed: seed)
    let path = try tiny.writeToTemporaryFile()
    defer { try? FileManager.default.removeItem(atPath: path) }
    // The mapping stays valid after the path is unlinked.
    return (tiny, try TransformerModel(path: path))
}

/// log-softmax in double, written out plainly (an oracle independent of the engine's kernels).
func naiveLogSoftmax(_ x: [Float]) -> [Double] {
    let m = Double(x.max()!)
    let lse = m + log(x.reduce(0.0) { $0 + exp(Double($1) - m) })
    return x.map { Double($0) - lse }
}

/// The tied output head applied to a hidden state, optionally after the final RMSNorm.
func naiveHead(_ tiny: TinyModel, _ h: [Float], norm: Bool) -> [Float] {
    let c = tiny.config, w = tiny.weights
    var x = h
    if norm {
        let ss = x.reduce(Float(0)) { $0 + $1 * $1 } / Float(x.count)
        let s = 1 / (ss + c.epsilon).squareRoot()
        x = zip(x, w["output_norm.weight"]!).map { $0 * s * $1 }
    }
    let e = w["token_embd.weight"]!
    return (0..<c.vocab).map { r in (0..<c.dim).reduce(Float(0)) { $0 + e[r * c.dim + $1] * x[$1] } }
}

/// A request over the tiny vocabulary (letters, space as Ġ), with a few-shot-like shared prefix.
let tinyContext = "ab cd ef. gh ab cd. ij"
let tinyPrimer = "ab cd ef. "
let tinyContinuations = [" ab cd.", " ef gh!", " a", " klm nop."]

/// A tiny model written to a temporary GGUF path (the caller removes it).
enum TKTestingTiny {
    static func path(layers: Int = 2) -> String {
        var config = TinyModel.Config()
        config.layers = layers
        return try! TinyModel(config: config).writeToTemporaryFile()
    }
}
