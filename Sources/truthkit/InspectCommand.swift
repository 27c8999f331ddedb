import ArgumentParser
import Foundation
import TKConsole
import TKGGUF
import TKKernels

/// `truthkit inspect MODEL`: what a GGUF file holds — architecture, hyper-parameters, metadata and
/// the tensor directory — read from the header alone, without loading any weights.
struct InspectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Show a GGUF model's architecture, hyper-parameters, metadata and tensor table.",
        discussion: """
            Only the header is read, so this is fast even for large models and works for files the \
            engine cannot run. A damaged file is reported with the byte offset, metadata key or \
            tensor where the problem is. A model that is not downloaded yet is not fetched: run \
            `truthkit models pull` first.
            """)

    @Argument(help: ArgumentHelp(
        "The model: a path to a .gguf file, or a name, URL or Hugging Face path as for --model (which it overrides).",
        valueName: "model"))
    var modelArgument: String?

    @OptionGroup var modelOption: ModelOption

    @Flag(help: "Print one JSON object on stdout instead of tables.")
    var json = false

    @Flag(help: "Print metadata values in full (every array element, whole strings) instead of summarising them.")
    var allMetadata = false

    @Flag(help: "Show this machine instead of a model: CPU, the ISA the kernels use (cpuid; TRUTHKIT_ISA lowers it), the OpenBLAS core in use, and a BLAS self-check.")
    var system = false

    func run() async throws {
        if system {
            try printSystem()
            return
        }
        var option = modelOption
        if let modelArgument { option.model = modelArgument }
        let path = try await option.resolvedPath(allowPull: false)
        let file = try GGUFFile(path: path)
        if json {
            try printJSON(Report(file: file, fullValues: allMetadata))
        } else {
            print(text(for: file))
        }
    }

    // MARK: System

    struct SystemReport: Encodable {
        var system: KernelSystemReport
        /// Largest relative difference of the BLAS sgemm from a portable double-precision loop.
        var sgemm_check_max_error: Double
    }

    private func printSystem() throws {
        let report = SystemReport(system: KernelSystem.report(), sgemm_check_max_error: BLASCheck.selfCheck())
        if json {
            try printJSON(report)
            return
        }
        let s = report.system
        print("CPU           \(s.cpu_model.isEmpty ? "-" : s.cpu_model) (\(s.cpu_vendor), family \(s.cpu_family), model \(s.cpu_model_number))")
        print("CPU flags     \(s.cpu_flags.joined(separator: " "))")
        print("ISA           \(s.isa) (detected \(s.isa_detected)" + (s.isa_setting.map { ", \(KernelISA.environmentKey)=\($0)" } ?? "") + ")")
        print("quant kernels \(s.quant_kernels)")
        print("BLAS          \(s.blas_library ?? "none (portable loop)")")
        print("BLAS core     \(s.blas_core.isEmpty ? "-" : s.blas_core)" + (s.blas_coretype_env.map { " (OPENBLAS_CORETYPE=\($0) from the environment)" }
              ?? s.blas_coretype_requested.map { " (requested OPENBLAS_CORETYPE=\($0))" } ?? " (OpenBLAS's own detection)"))
        print("BLAS config   \(s.blas_config.isEmpty ? "-" : s.blas_config)")
        print("kernel pool   one per process, shared by every session (sized by the largest --threads; BLAS single-threaded)")
        print("sgemm check   max relative error \(String(format: "%.2e", report.sgemm_check_max_error)) against the portable loop")
        for warning in s.warnings { print("warning       \(warning)") }
    }

    // MARK: Text

    private func text(for file: GGUFFile) -> String {
        var out: [String] = []
        let h = file.hyperparameters
        out.append("file          \(Self.safe(file.path ?? "-"))")
        out.append("size          \(file.fileSize) bytes (\(Self.humanBytes(file.fileSize)))")
        out.append("GGUF version  \(file.version)")
        out.append("alignment     \(file.alignment)")
        out.append("data offset   \(file.dataOffset)")
        out.append("")

        out.append("Architecture: \(h.architecture.map(Self.safe) ?? "(not set: general.architecture is missing)")" + (h.name.map { " — \(Self.safe($0))" } ?? ""))
        let settings: [(String, String?)] = [
            ("block count", h.blockCount.map(String.init)),
            ("context length", h.contextLength.map(String.init)),
            ("embedding length", h.embeddingLength.map(String.init)),
            ("feed-forward length", h.feedForwardLength.map(String.init)),
            ("attention heads", h.headCount.map(String.init)),
            ("KV heads", h.headCountKV.map(String.init)),
            ("head dim", h.headDim.map(String.init)),
            ("RoPE base", h.ropeFreqBase.map(Self.number)),
            ("RoPE dimensions", h.ropeDimensionCount.map(String.init)),
            ("norm epsilon", h.normEpsilon.map(Self.number)),
            ("vocab size", h.vocabSize.map(String.init)),
            ("tokenizer model", h.tokenizerModel.map(Self.safe)),
            ("pre-tokenizer", h.tokenizerPre.map(Self.safe)),
        ]
        let labelWidth = settings.map(\.0.count).max() ?? 0
        for (label, value) in settings {
            out.append("  " + label.padding(toLength: labelWidth, withPad: " ", startingAt: 0) + "  " + (value ?? "-"))
        }
        out.append("")

        out.append("Metadata (\(file.metadata.count) keys)")
        var meta = TextTable("key", "type", "value")
        let maxItems = allMetadata ? Int.max : 8
        let maxString = allMetadata ? Int.max : 120
        for (key, value) in file.metadata {
            meta.addRow(Self.safe(key), Self.typeName(value), value.rendered(maxItems: maxItems, maxStringLength: maxString))
        }
        out.append(Self.indent(meta.render()))
        out.append("")

        out.append("Tensors (\(file.tensors.count))")
        var tensors = TextTable(columns: [
            .init("name"), .init("type"), .init("shape"),
            .init("bytes", alignment: .right), .init("offset", alignment: .right),
        ])
        for t in file.tensors {
            tensors.addRow(Self.safe(t.name), t.type.description, Self.shape(t.shape), "\(t.byteCount)", "\(t.fileOffset)")
        }
        out.append(Self.indent(tensors.render()))
        out.append("")

        out.append("Totals by type")
        var totals = TextTable(columns: [
            .init("type"), .init("tensors", alignment: .right), .init("elements", alignment: .right),
            .init("bytes", alignment: .right), .init("share", alignment: .right),
        ])
        let allBytes = file.tensors.reduce(0) { $0 + $1.byteCount }
        for total in Self.totals(file.tensors) {
            totals.addRow(total.type, "\(total.count)", "\(total.elements)", "\(total.bytes)", Self.percent(total.bytes, of: allBytes))
        }
        totals.addRow("all", "\(file.tensors.count)", "\(file.tensors.reduce(0) { $0 + $1.elementCount })",
                      "\(allBytes)", Self.percent(allBytes, of: allBytes))
        out.append(Self.indent(totals.render()))
        return out.joined(separator: "\n")
    }

    /// Text from the file (names, keys, the path) as printed: control characters escaped, so a
    /// model's metadata cannot send escape sequences to the terminal (`GGUFValue.rendered` does
    /// the same for values; the JSON encoder escapes them in `--json`).
    private static func safe(_ text: String) -> String { GGUFText.escaped(text) }

    /// A number read from a float32 key, shown as that float32 (`1e-05`, not `9.99999974e-06`).
    private static func number(_ v: Double) -> String {
        if let f = Float(exactly: v) { return "\(f)" }
        return "\(v)"
    }

    private static func indent(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { "  " + $0 }.joined(separator: "\n")
    }

    private static func shape(_ shape: [Int]) -> String {
        "[" + shape.map(String.init).joined(separator: ", ") + "]"
    }

    /// `uint32`, or `array[string]` / `array[array]` for arrays.
    private static func typeName(_ value: GGUFValue) -> String {
        if case .array(let element, _) = value { return "array[\(element)]" }
        return "\(value.type)"
    }

    private static func percent(_ part: Int, of whole: Int) -> String {
        whole == 0 ? "-" : String(format: "%.1f%%", 100 * Double(part) / Double(whole))
    }

    private static func humanBytes(_ n: Int) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var value = Double(n)
        var unit = 0
        while value >= 1024, unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        return unit == 0 ? "\(n) B" : String(format: "%.1f %@", value, units[unit])
    }

    /// Count, elements and bytes per tensor type, most bytes first.
    fileprivate static func totals(_ tensors: [GGUFTensorInfo]) -> [Report.TypeTotal] {
        var byType: [GGUFTensorType: Report.TypeTotal] = [:]
        for t in tensors {
            byType[t.type, default: Report.TypeTotal(type: t.type.description, count: 0, elements: 0, bytes: 0)].add(t)
        }
        return byType.values.sorted { ($0.bytes, $0.type) > ($1.bytes, $1.type) }
    }
}

// MARK: JSON

extension InspectCommand {
    /// The `--json` document. Metadata is a list, so file order survives key sorting.
    fileprivate struct Report: Encodable {
        var file: String
        var size_bytes: Int
        var gguf_version: UInt32
        var alignment: Int
        var data_offset: Int
        var architecture: String?
        var hyperparameters: Hyperparameters
        var metadata: [Entry]
        var tensors: [Tensor]
        var tensor_totals: [TypeTotal]

        init(file f: GGUFFile, fullValues: Bool) {
            file = f.path ?? ""
            size_bytes = f.fileSize
            gguf_version = f.version
            alignment = f.alignment
            data_offset = f.dataOffset
            architecture = f.architecture
            hyperparameters = Hyperparameters(f.hyperparameters)
            metadata = f.metadata.map { Entry(key: $0.key, value: $0.value, full: fullValues) }
            tensors = f.tensors.map {
                Tensor(name: $0.name, type: $0.type.description, shape: $0.shape, bytes: $0.byteCount, offset: $0.fileOffset)
            }
            tensor_totals = InspectCommand.totals(f.tensors)
        }

        struct Hyperparameters: Encodable {
            var name: String?
            var block_count, context_length, embedding_length, feed_forward_length: Int?
            var head_count, head_count_kv, head_dim: Int?
            var rope_freq_base: JSONValue?
            var rope_dimension_count: Int?
            var norm_epsilon: JSONValue?
            var vocab_size: Int?
            var tokenizer_model, tokenizer_pre: String?

            init(_ h: GGUFHyperparameters) {
                name = h.name
                block_count = h.blockCount
                context_length = h.contextLength
                embedding_length = h.embeddingLength
                feed_forward_length = h.feedForwardLength
                head_count = h.headCount
                head_count_kv = h.headCountKV
                head_dim = h.headDim
                rope_freq_base = h.ropeFreqBase.map(JSONValue.number)
                rope_dimension_count = h.ropeDimensionCount
                norm_epsilon = h.normEpsilon.map(JSONValue.number)
                vocab_size = h.vocabSize
                tokenizer_model = h.tokenizerModel
                tokenizer_pre = h.tokenizerPre
            }
        }

        /// One metadata entry. Arrays carry `element_type` and `count`; unless `--all-metadata`,
        /// `value` holds only their first 8 elements and `truncated` is true.
        struct Entry: Encodable {
            var key: String
            var type: String
            var element_type: String?
            var count: Int?
            var truncated: Bool?
            var value: JSONValue

            init(key: String, value: GGUFValue, full: Bool) {
                self.key = key
                type = "\(value.type)"
                let limit = full ? Int.max : 8
                if case .array(let element, let items) = value {
                    element_type = "\(element)"
                    count = items.count
                    truncated = items.count > limit ? true : nil
                }
                self.value = JSONValue(value, maxItems: limit)
            }
        }

        struct Tensor: Encodable {
            var name: String
            var type: String
            var shape: [Int]
            var bytes: Int
            /// Absolute byte offset in the file.
            var offset: Int
        }

        struct TypeTotal: Encodable {
            var type: String
            var count: Int
            var elements: Int
            var bytes: Int

            mutating func add(_ t: GGUFTensorInfo) {
                count += 1
                elements += t.elementCount
                bytes += t.byteCount
            }
        }
    }

    /// A metadata value as JSON. Integers stay exact (UInt64 included); NaN and infinities,
    /// which JSON cannot hold, become the strings "nan", "inf" and "-inf".
    fileprivate enum JSONValue: Encodable {
        case int(Int64), uint(UInt64), float(Float), double(Double), bool(Bool), string(String), array([JSONValue])

        init(_ value: GGUFValue, maxItems: Int) {
            switch value {
            case .uint8(let v): self = .uint(UInt64(v))
            case .uint16(let v): self = .uint(UInt64(v))
            case .uint32(let v): self = .uint(UInt64(v))
            case .uint64(let v): self = .uint(v)
            case .int8(let v): self = .int(Int64(v))
            case .int16(let v): self = .int(Int64(v))
            case .int32(let v): self = .int(Int64(v))
            case .int64(let v): self = .int(v)
            case .float32(let v): self = .float(v)
            case .float64(let v): self = .double(v)
            case .bool(let v): self = .bool(v)
            case .string(let v): self = .string(v)
            case .array(_, let items): self = .array(items.prefix(maxItems).map { JSONValue($0, maxItems: maxItems) })
            }
        }

        /// Text from the file (names, keys, the path) as printed: control characters escaped, so a
    /// model's metadata cannot send escape sequences to the terminal (`GGUFValue.rendered` does
    /// the same for values; the JSON encoder escapes them in `--json`).
    private static func safe(_ text: String) -> String { GGUFText.escaped(text) }

    /// A number read from a float32 key is written as that float32 (`1e-05`).
        static func number(_ v: Double) -> JSONValue {
            Float(exactly: v).map(JSONValue.float) ?? .double(v)
        }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.singleValueContainer()
            switch self {
            case .int(let v): try c.encode(v)
            case .uint(let v): try c.encode(v)
            case .float(let v):
                if v.isFinite {
                    try c.encode(v)
                } else {
                    try JSONValue.double(Double(v)).encode(to: encoder)
                }
            case .double(let v):
                if v.isNaN {
                    try c.encode("nan")
                } else if v.isInfinite {
                    try c.encode(v > 0 ? "inf" : "-inf")
                } else {
                    try c.encode(v)
                }
            case .bool(let v): try c.encode(v)
            case .string(let v): try c.encode(v)
            case .array(let v): try c.encode(v)
            }
        }
    }
}
