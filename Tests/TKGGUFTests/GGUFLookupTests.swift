import Testing
import TKKernels
import TKGGUF

/// Lookup helpers on `GGUFFile` and the lenient `GGUFHyperparameters` view.
struct GGUFLookupTests {
    private let file: GGUFFile

    init() throws {
        file = try GGUFFile(bytes: GGUFFixtures.bytes())
    }

    @Test func subscriptsFindKeysAndArchitectureKeys() {
        #expect(file.architecture == "llama")
        #expect(file["llama.block_count"] == .uint32(2))
        #expect(file[architectureKey: "block_count"] == .uint32(2))
        #expect(file[architectureKey: "attention.head_count_kv"]?.intValue == 2)
        #expect(file["no.such.key"] == nil)
        #expect(file[architectureKey: "no_such_key"] == nil)
    }

    @Test func requireHelpersReturnTypedValues() throws {
        #expect(try file.requireArchitecture() == "llama")
        #expect(try file.requireInt("llama.context_length") == 128)
        #expect(try file.requireInt("test.int8") == -128)
        #expect(try file.requireInt("test.bool_true") == 1)
        #expect(try file.requireDouble("llama.rope.freq_base") == 10_000)
        #expect(try file.requireDouble("llama.block_count") == 2)
        #expect(try file.requireString("tokenizer.ggml.pre") == "smollm")
        #expect(try file.requireArray("tokenizer.ggml.tokens").count == 4)
        #expect(try file.requireTensor("token_embd.weight").type == .q8_0)
        #expect(file.tensor(named: "missing") == nil)
    }

    @Test func uint64ThatDoesNotFitIntIsNotAnInt() {
        #expect(file["test.uint64"]?.intValue == nil)
        #expect(file["test.uint64"]?.doubleValue == nil)
        #expect(file["test.uint64"]?.rendered() == "\(UInt64.max)")
    }

    @Test func missingKeyErrorNamesTheKey() throws {
        let error = try #require(#expect(throws: GGUFError.self) { try file.requireInt("llama.expert_count") })
        #expect(error.code == .missingKey)
        #expect(error.key == "llama.expert_count")
        #expect(error.description.contains("key 'llama.expert_count'"))
    }

    @Test func wrongTypeErrorsNameKeyAndFoundType() throws {
        let asInt = try #require(#expect(throws: GGUFError.self) { try file.requireInt("general.name") })
        #expect(asInt.code == .wrongValueType)
        #expect(asInt.key == "general.name")
        #expect(asInt.message.contains("found string \"fixture\""))
        let asString = try #require(#expect(throws: GGUFError.self) { try file.requireString("llama.block_count") })
        #expect(asString.code == .wrongValueType)
        let asDouble = try #require(#expect(throws: GGUFError.self) { try file.requireDouble("test.string") })
        #expect(asDouble.code == .wrongValueType)
        let asArray = try #require(#expect(throws: GGUFError.self) { try file.requireArray("test.float64") })
        #expect(asArray.code == .wrongValueType)
    }

    @Test func missingTensorErrorNamesTheTensor() throws {
        let error = try #require(#expect(throws: GGUFError.self) { try file.requireTensor("blk.9.attn_q.weight") })
        #expect(error.code == .missingTensor)
        #expect(error.tensor == "blk.9.attn_q.weight")
        #expect(error.description.contains("tensor 'blk.9.attn_q.weight'"))
    }

    @Test func missingArchitectureIsAMissingKey() throws {
        let bare = try GGUFFile(bytes: GGUFWriter().serialized())
        let error = try #require(#expect(throws: GGUFError.self) { try bare.requireArchitecture() })
        #expect(error.code == .missingKey)
        #expect(error.key == "general.architecture")
        #expect(bare.hyperparameters == GGUFHyperparameters(file: bare))
        #expect(bare.hyperparameters.blockCount == nil)
    }

    @Test func hyperparametersReadTheArchitectureKeys() {
        let h = file.hyperparameters
        #expect(h.architecture == "llama")
        #expect(h.name == "fixture")
        #expect(h.blockCount == 2)
        #expect(h.contextLength == 128)
        #expect(h.embeddingLength == 16)
        #expect(h.feedForwardLength == 48)
        #expect(h.headCount == 4)
        #expect(h.headCountKV == 2)
        #expect(h.headDim == 4)  // 16 / 4, no key_length in the file
        #expect(h.ropeFreqBase == 10_000)
        #expect(h.ropeDimensionCount == 4)
        #expect(h.normEpsilon == Double(Float(1e-5)))
        #expect(h.vocabSize == 4)  // no llama.vocab_size: the token list's length
        #expect(h.tokenizerModel == "gpt2")
        #expect(h.tokenizerPre == "smollm")
    }

    /// One reading for inspect and the engine: the validating reading gives the same values, and a
    /// key present with the wrong type is an error naming it there, where inspect shows it as absent.
    @Test func validatingReadingEqualsTheLenientOneAndNamesMistypedKeys() throws {
        #expect(try GGUFHyperparameters(validating: file) == file.hyperparameters)
        var w = GGUFWriter()
        w.set("general.architecture", .string("llama"))
        w.set("llama.block_count", .string("twelve"))
        w.set("llama.attention.layer_norm_epsilon", .float32(1e-6))  // only the layer-norm key: read by both
        let bad = try GGUFFile(bytes: w.serialized())
        #expect(bad.hyperparameters.blockCount == nil)
        #expect(bad.hyperparameters.normEpsilon == Double(Float(1e-6)))
        let error = try #require(#expect(throws: GGUFError.self) { try GGUFHyperparameters(validating: bad) })
        #expect(error.code == .wrongValueType && error.key == "llama.block_count")
    }

    @Test func hyperparametersFollowAnyArchitectureName() throws {
        var w = GGUFWriter()
        w.set("general.architecture", .string("qwen2"))
        w.set("qwen2.block_count", .uint32(24))
        w.set("qwen2.embedding_length", .uint64(896))
        w.set("qwen2.attention.head_count", .uint32(14))
        w.set("qwen2.attention.key_length", .uint32(64))
        w.set("qwen2.attention.layer_norm_epsilon", .float64(1e-6))
        w.set("qwen2.vocab_size", .uint32(151_936))
        w.set("llama.block_count", .uint32(99))  // another architecture's key is ignored
        let h = try GGUFFile(bytes: w.serialized()).hyperparameters
        #expect(h.architecture == "qwen2")
        #expect(h.blockCount == 24)
        #expect(h.embeddingLength == 896)
        #expect(h.headCountKV == 14)  // defaults to head_count
        #expect(h.headDim == 64)
        #expect(h.normEpsilon == 1e-6)
        #expect(h.vocabSize == 151_936)
        #expect(h.contextLength == nil)
    }

    @Test func renderedSummarisesLongArraysAndEscapesStrings() {
        let tokens = GGUFValue.array(.string, (0..<100).map { .string("t\($0)") })
        #expect(tokens.rendered(maxItems: 2) == "[\"t0\", \"t1\", … (100 string items)]")
        #expect(GGUFValue.string("a\nb\t\"c\"").rendered() == "\"a\\nb\\t\\\"c\\\"\"")
        #expect(GGUFValue.string(String(repeating: "x", count: 500)).rendered().count == 122)
        #expect(GGUFValue.int8(-5).rendered() == "-5")
        #expect(GGUFValue.bool(false).rendered() == "false")
    }
}

@Suite struct TensorTypeGeometryTests {
    /// The file format and the kernels list the same ggml types, so every readable tensor type has
    /// its geometry (defined once, by the kernels' formats) and a codec.
    @Test func fileTypesAndKernelFormatsAreTheSameSet() {
        #expect(Set(GGUFTensorType.allCases.map(\.rawValue)) == Set(WeightFormat.allCases.map(\.rawValue)))
        for t in GGUFTensorType.allCases {
            let f = WeightFormat(rawValue: t.rawValue)!
            #expect(t.blockSize == f.blockSize && t.bytesPerBlock == f.bytesPerBlock && t.description == f.description)
        }
        #expect(GGUFTensorType.q4_K.bytesPerBlock == 144 && GGUFTensorType.q4_1.blockSize == 32)
    }
}
