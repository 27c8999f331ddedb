import Foundation
import TKGGUF
import TKKernels
import TKTokenizer

/// A loaded model: configuration, weights mapped from the file, and its tokenizer.
///
/// Immutable after loading and therefore shareable; every sequence being run gets its own
/// `InferenceSession` (KV cache and scratch) on top of it.
public final class TransformerModel: Sendable {
    public let config: ModelConfig
    public let weights: ModelWeights
    public let tokenizer: Tokenizer
    public let path: String
    /// Metadata kept for `inspect`, chat templates and fingerprints.
    public let gguf: GGUFFile

    public convenience init(path: String) throws {
        let gguf = try GGUFFile(path: path)
        guard let arch = gguf.architecture else {
            throw EngineError(.badConfig, "\(GGUFText.forError(path)): general.architecture is missing; this GGUF is not a language model")
        }
        let family = try ArchitectureRegistry.architecture(named: arch)
        let config = try family.config(from: gguf)
        let file = try MappedFile(path: path)
        let loader = TensorLoader(gguf: gguf, file: file)
        let weights = try family.weights(config: config, loader: loader)
        try loader.checkAllUsed()
        let tokenizer = try Tokenizer(gguf: gguf)
        guard tokenizer.vocabularySize <= config.vocabSize else {
            throw EngineError(.badConfig, "\(path): tokenizer has \(tokenizer.vocabularySize) tokens but the output head only \(config.vocabSize)")
        }
        self.init(config: config, weights: weights, tokenizer: tokenizer, path: path, gguf: gguf)
    }

    public init(config: ModelConfig, weights: ModelWeights, tokenizer: Tokenizer, path: String, gguf: GGUFFile) {
        self.config = config
        self.weights = weights
        self.tokenizer = tokenizer
        self.path = path
        self.gguf = gguf
    }
}
