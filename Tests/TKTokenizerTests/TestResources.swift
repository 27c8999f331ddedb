import Foundation
import Testing
import TKGGUF
import TKTesting
@testable import TKTokenizer

/// Where the tests find the real model, the shared reference data and the committed fixtures.
///
/// Paths come from `TestEnvironment` (TKTesting), shared by every test target.
enum TestResources {
    static let packageRoot = TestEnvironment.packageRoot

    static let fixtures = packageRoot.appendingPathComponent("Tests/TKTokenizerTests/Fixtures")

    static var sharedDirectory: URL { TestEnvironment.sharedDirectory }

    static var modelPath: String { TestEnvironment.modelPath }

    static var modelAvailable: Bool { TestEnvironment.modelAvailable }

    static var modelMissingMessage: Comment { Comment(rawValue: TestEnvironment.missingModelMessage) }

    static var sharedAvailable: Bool {
        FileManager.default.fileExists(atPath: sharedDirectory.appendingPathComponent("reference").path)
    }

    static var sharedMissingMessage: Comment {
        "shared reference data not found at \(sharedDirectory.path); set TRUTHKIT_SHARED_DIR"
    }

    /// The real model's GGUF header, parsed once for all tests.
    static let modelFile: GGUFFile? = try? GGUFFile(path: modelPath)

    /// The real model's tokenizer, built once for all tests.
    static let smolLM: Tokenizer? = modelFile.flatMap { try? Tokenizer(gguf: $0) }

    private struct SentencePieceVocabulary: Decodable {
        var tokens: [String]
        var scores: [Float]
        var token_types: [Int32]
        var bos_token_id: UInt32
        var eos_token_id: UInt32
        var unknown_token_id: UInt32
        var add_bos_token: Bool
        var add_eos_token: Bool
    }

    /// Fixtures/spm-truthfulqa.vocab.json as the GGUF file llama.cpp read (scripts/tokenizer/
    /// make_spm_vocab.py, `write_gguf`): a 2,000-piece SentencePiece BPE vocabulary trained on
    /// TruthfulQA, with byte fallback, in Llama 2's layout.
    static func sentencePieceFixture() throws -> GGUFFile {
        let vocab = try fixture("spm-truthfulqa.vocab.json", as: SentencePieceVocabulary.self)
        var writer = GGUFWriter()
        writer.set("general.architecture", .string("llama"))
        writer.set("tokenizer.ggml.model", .string("llama"))
        writer.set("tokenizer.ggml.tokens", .array(.string, vocab.tokens.map { .string($0) }))
        writer.set("tokenizer.ggml.scores", .array(.float32, vocab.scores.map { .float32($0) }))
        writer.set("tokenizer.ggml.token_type", .array(.int32, vocab.token_types.map { .int32($0) }))
        writer.set("tokenizer.ggml.bos_token_id", .uint32(vocab.bos_token_id))
        writer.set("tokenizer.ggml.eos_token_id", .uint32(vocab.eos_token_id))
        writer.set("tokenizer.ggml.unknown_token_id", .uint32(vocab.unknown_token_id))
        writer.set("tokenizer.ggml.add_bos_token", .bool(vocab.add_bos_token))
        writer.set("tokenizer.ggml.add_eos_token", .bool(vocab.add_eos_token))
        return try GGUFFile(bytes: writer.serialized())
    }

    static func fixture<T: Decodable>(_ name: String, as type: T.Type) throws -> T {
        let data = try Data(contentsOf: fixtures.appendingPathComponent(name))
        return try JSONDecoder().decode(T.self, from: data)
    }

    static func shared<T: Decodable>(_ relativePath: String, as type: T.Type) throws -> T {
        let data = try Data(contentsOf: sharedDirectory.appendingPathComponent(relativePath))
        return try JSONDecoder().decode(T.self, from: data)
    }
}
