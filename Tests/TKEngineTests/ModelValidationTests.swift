import Foundation
import Testing
import TKEngine
import TKGGUF
import TKTesting

/// Structurally broken model files must not load: each case is a tiny model with one key or
/// tensor edited, and the error must name that key or tensor. On a build without these checks,
/// every one of them loaded and ran (with fewer layers, no RoPE, or retyped norms).
@Suite struct ModelValidationTests {
    /// Loads a tiny model edited by `edit`; returns the error it was rejected with, or nil.
    private func loadError(architecture: String = "llama", _ edit: (inout GGUFWriter) -> Void) throws -> EngineError? {
        var config = TinyModel.Config()
        config.architecture = architecture
        let tiny = TinyModel(config: config, edit: edit)
        let path = try tiny.writeToTemporaryFile()
        defer { try? FileManager.default.removeItem(atPath: path) }
        do {
            _ = try TransformerModel(path: path)
            return nil
        } catch let e as EngineError {
            return e
        } catch let e as GGUFError {
            Issue.record("expected an EngineError, got GGUFError \(e)")
            return nil
        }
    }

    @Test func intactTinyModelLoads() throws {
        #expect(try loadError { _ in } == nil)
        #expect(try loadError(architecture: "qwen2") { _ in } == nil)
    }

    @Test(arguments: [1, 3, 29])
    func blockCountDisagreeingWithBlockTensorsIsRejected(count: Int) throws {
        let e = try #require(try loadError { $0.set("llama.block_count", .uint32(UInt32(count))) })
        #expect(e.code == .badConfig)
        #expect(e.message.contains("llama.block_count is \(count)"), "\(e)")
        #expect(e.message.contains("blk."), "\(e)")
    }

    @Test(arguments: [GGUFValue.uint32(0), .int32(-2), .int32(3), .uint32(10), .uint32(1 << 20)])
    func ropeDimensionThatIsNotPositiveEvenAndWithinTheHeadIsRejected(value: GGUFValue) throws {
        let e = try #require(try loadError { $0.set("llama.rope.dimension_count", value) })
        #expect(e.code == .badConfig)
        #expect(e.message.contains("llama.rope.dimension_count"), "\(e)")
    }

    @Test(arguments: [Float.infinity, -.infinity, .nan, 0, -10_000])
    func nonFiniteOrNonPositiveRopeBaseIsRejected(value: Float) throws {
        let e = try #require(try loadError { $0.set("llama.rope.freq_base", .float32(value)) })
        #expect(e.message.contains("llama.rope.freq_base"), "\(e)")
    }

    @Test(arguments: [Float.infinity, .nan, 0, -1e-5])
    func nonFiniteOrNonPositiveEpsilonIsRejected(value: Float) throws {
        let e = try #require(try loadError { $0.set("llama.attention.layer_norm_rms_epsilon", .float32(value)) })
        #expect(e.message.contains("llama.attention.layer_norm_rms_epsilon"), "\(e)")
    }

    @Test func ropeBaseTooLargeForFloat32IsRejected() throws {
        let e = try #require(try loadError { $0.set("llama.rope.freq_base", .float64(1e300)) })
        #expect(e.message.contains("llama.rope.freq_base"), "\(e)")
    }

    /// A mistyped optional key used to fall back to its default silently.
    @Test func mistypedOptionalKeyIsAnErrorNamingIt() throws {
        var config = TinyModel.Config()
        config.architecture = "llama"
        let tiny = TinyModel(config: config) { $0.set("llama.rope.freq_base", .string("10000")) }
        let path = try tiny.writeToTemporaryFile()
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect {
            _ = try TransformerModel(path: path)
        } throws: { error in
            guard let e = error as? GGUFError else { return false }
            return e.code == .wrongValueType && e.key == "llama.rope.freq_base"
        }
    }

    @Test(arguments: ["blk.1.attn_norm.weight", "blk.0.ffn_norm.weight", "output_norm.weight"])
    func normStoredAsF16IsRejected(name: String) throws {
        let e = try #require(try loadError { w in
            w.removeTensor(name)
            w.addTensor(name, shape: [32], type: .f16, bytes: [UInt8](repeating: 0x3C, count: 64))
        })
        #expect(e.code == .unsupportedTensorType)
        #expect(e.message.contains(name) && e.message.contains("F32"), "\(e)")
    }

    @Test(arguments: ["blk.1.post_ffw_norm.weight", "blk.0.attn_q_norm.weight", "blk.0.post_attention_norm.weight"])
    func gemma3WithoutOneOfItsTensorsNamesIt(name: String) throws {
        let e = try #require(try loadError(architecture: "gemma3") { $0.removeTensor(name) })
        #expect(e.code == .missingTensor)
        #expect(e.message.contains(name), "\(e)")
    }

    @Test func gemma3WithAZeroSlidingWindowNamesTheKey() throws {
        let e = try #require(try loadError(architecture: "gemma3") { $0.set("gemma3.attention.sliding_window", .uint32(0)) })
        #expect(e.code == .badConfig)
        #expect(e.message.contains("gemma3.attention.sliding_window"), "\(e)")
    }

    @Test func qwenBiasStoredAsF16IsRejected() throws {
        let e = try #require(try loadError(architecture: "qwen2") { w in
            w.removeTensor("blk.0.attn_k.bias")
            w.addTensor("blk.0.attn_k.bias", shape: [16], type: .f16, bytes: [UInt8](repeating: 0, count: 32))
        })
        #expect(e.message.contains("blk.0.attn_k.bias"), "\(e)")
    }

    @Test func normHoldingNaNIsRejectedAtLoad() throws {
        let e = try #require(try loadError { w in
            w.removeTensor("blk.1.ffn_norm.weight")
            w.addTensor("blk.1.ffn_norm.weight", shape: [32], floats: [1, 1, .nan] + [Float](repeating: 1, count: 29))
        })
        #expect(e.code == .damagedModel)
        #expect(e.message.contains("blk.1.ffn_norm.weight") && e.message.contains("element 2"), "\(e)")
    }

    @Test(arguments: ["rope_factors_long.weight", "blk.0.attn_q_norm.weight", "blk.x.attn_norm.weight"])
    func tensorTheArchitectureDoesNotUseIsRejected(name: String) throws {
        let e = try #require(try loadError { $0.addTensor(name, shape: [8], floats: [Float](repeating: 1, count: 8)) })
        #expect(e.code == .unusedTensor)
        #expect(e.message.contains("'\(name)'"), "\(e)")
    }

    /// Llama reads Llama 3's RoPE scaling factors, one per rotated pair (head size 8: 4 of them).
    @Test func ropeFrequencyFactorsOfTheWrongLengthAreNamed() throws {
        let e = try #require(try loadError { $0.addTensor("rope_freqs.weight", shape: [8], floats: [Float](repeating: 1, count: 8)) })
        #expect(e.code == .badShape)
        #expect(e.message.contains("rope_freqs.weight") && e.message.contains("[4]"), "\(e)")
    }

    /// A Llama file with Qwen2's biases: the biases would be ignored, giving different numbers.
    @Test func biasesInALlamaFileAreRejected() throws {
        let e = try #require(try loadError { w in
            w.addTensor("blk.0.attn_q.bias", shape: [32], floats: [Float](repeating: 0.5, count: 32))
        })
        #expect(e.code == .unusedTensor && e.message.contains("blk.0.attn_q.bias"), "\(e)")
    }

    @Test func normWithTheWrongLengthIsRejected() throws {
        let e = try #require(try loadError { w in
            w.removeTensor("blk.0.attn_norm.weight")
            w.addTensor("blk.0.attn_norm.weight", shape: [16], floats: [Float](repeating: 1, count: 16))
        })
        #expect(e.code == .badShape && e.message.contains("blk.0.attn_norm.weight"), "\(e)")
    }

    @Test func valueLengthDifferentFromKeyLengthIsRejected() throws {
        let e = try #require(try loadError { $0.set("llama.attention.value_length", .uint32(4)) })
        #expect(e.message.contains("llama.attention.value_length"), "\(e)")
    }
}
