import TKGGUF

/// Small GGUF images shared by the reader, writer and fuzz tests.
enum GGUFFixtures {
    /// One value of each of the 13 GGUF value types, at or near the edges of its range, plus the
    /// array shapes that trip readers up: empty, nested, nested-empty, arrays of strings.
    static let everyValueType: [(key: String, value: GGUFValue)] = [
        ("test.uint8", .uint8(.max)),
        ("test.int8", .int8(.min)),
        ("test.uint16", .uint16(60_000)),
        ("test.int16", .int16(-30_000)),
        ("test.uint32", .uint32(4_000_000_000)),
        ("test.int32", .int32(-2_000_000_000)),
        ("test.float32", .float32(-1.5e-5)),
        ("test.bool_true", .bool(true)),
        ("test.bool_false", .bool(false)),
        ("test.string", .string("héllo, 世界 🌍\nline two\t\"quoted\"")),
        ("test.string_empty", .string("")),
        ("test.array_int32", .array(.int32, [.int32(1), .int32(-2), .int32(3)])),
        ("test.uint64", .uint64(.max)),
        ("test.int64", .int64(.min)),
        ("test.float64", .float64(-.pi)),
        ("test.array_empty_string", .array(.string, [])),
        ("test.array_empty_float64", .array(.float64, [])),
        ("test.array_bool", .array(.bool, [.bool(true), .bool(false), .bool(true)])),
        ("test.array_uint8", .array(.uint8, [.uint8(0), .uint8(255)])),
        ("test.array_int8", .array(.int8, [.int8(-128), .int8(127)])),
        ("test.array_uint16", .array(.uint16, [.uint16(1), .uint16(65_535)])),
        ("test.array_int16", .array(.int16, [.int16(-1)])),
        ("test.array_uint32", .array(.uint32, [.uint32(7)])),
        ("test.array_float32", .array(.float32, [.float32(0.5), .float32(-0.0), .float32(.infinity)])),
        ("test.array_uint64", .array(.uint64, [.uint64(1 << 63)])),
        ("test.array_int64", .array(.int64, [.int64(-1), .int64(.max)])),
        ("test.array_float64", .array(.float64, [.float64(1e300)])),
        ("test.array_string", .array(.string, [.string("a"), .string(""), .string("ünïcødé")])),
        ("test.array_of_arrays", .array(.array, [
            .array(.string, [.string("x"), .string("y")]),
            .array(.int32, [.int32(42)]),
            .array(.float32, []),
        ])),
        ("test.array_of_array_of_arrays", .array(.array, [
            .array(.array, [.array(.uint8, [.uint8(1)]), .array(.bool, [])]),
            .array(.array, []),
        ])),
        ("test.array_of_empty_arrays", .array(.array, [.array(.int64, []), .array(.array, [])])),
    ]

    /// Tensor data for the fixtures: F32, F16, Q8_0 and Q4_1, with byte patterns that identify them.
    static let tensors: [(name: String, shape: [Int], type: GGUFTensorType, bytes: [UInt8])] = [
        ("blk.0.attn_norm.weight", [4, 2], .f32, (0..<32).map { UInt8($0) }),
        ("blk.0.ffn_gate.weight", [32], .f16, (0..<64).map { UInt8(100 &+ $0) }),
        ("token_embd.weight", [32, 2], .q8_0, (0..<68).map { UInt8(200 &+ $0 % 50) }),
        ("output.weight", [64, 1, 1], .q4_1, (0..<40).map { UInt8(7 &* $0 % 256) }),
    ]

    /// A writer holding a small llama-style header, every value type and the tensors above.
    static func writer(version: UInt32 = 3, alignment: Int? = nil) -> GGUFWriter {
        var w = GGUFWriter(version: version)
        w.set("general.architecture", .string("llama"))
        w.set("general.name", .string("fixture"))
        if let alignment { w.set("general.alignment", .uint32(UInt32(alignment))) }
        w.set("llama.block_count", .uint32(2))
        w.set("llama.context_length", .uint32(128))
        w.set("llama.embedding_length", .uint32(16))
        w.set("llama.feed_forward_length", .uint32(48))
        w.set("llama.attention.head_count", .uint32(4))
        w.set("llama.attention.head_count_kv", .uint32(2))
        w.set("llama.rope.freq_base", .float32(10_000))
        w.set("llama.rope.dimension_count", .uint32(4))
        w.set("llama.attention.layer_norm_rms_epsilon", .float32(1e-5))
        w.set("tokenizer.ggml.model", .string("gpt2"))
        w.set("tokenizer.ggml.pre", .string("smollm"))
        w.set("tokenizer.ggml.tokens", .array(.string, ["<s>", "a", "b", "ab"].map { .string($0) }))
        for (key, value) in everyValueType { w.set(key, value) }
        for t in tensors { w.addTensor(t.name, shape: t.shape, type: t.type, bytes: t.bytes) }
        return w
    }

    /// The serialised `writer(version:alignment:)`.
    static func bytes(version: UInt32 = 3, alignment: Int? = nil) -> [UInt8] {
        writer(version: version, alignment: alignment).serialized()
    }
}
