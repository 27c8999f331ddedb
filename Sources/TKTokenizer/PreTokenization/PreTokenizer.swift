/// How byte-level BPE text is cut into words before merging, from `tokenizer.ggml.pre`.
///
/// Each case reproduces one of llama.cpp's pre-tokenizer regex lists (`llm_tokenizer_bpe` in
/// llama-vocab.cpp). The lists are applied in order, each one splitting the pieces left by the
/// previous one; text a regex does not match stays as its own piece. The regexes are implemented
/// as hand-written scanners over Unicode general categories (Swift `Regex` is far too slow for
/// this), following llama.cpp's custom splitters where it has them, so quirks match too.
public enum PreTokenizer: String, Sendable, CaseIterable {
    /// GPT-2: `'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)`.
    case gpt2 = "gpt-2"
    /// Llama 3: the GPT-4 style regex, digits in groups of up to three; whole words found in the
    /// vocabulary skip merging.
    case llama3 = "llama3"
    /// Qwen 2: like Llama 3 but every digit is its own piece.
    case qwen2 = "qwen2"
    /// SmolLM / StarCoder: every digit isolated first (`\p{N}`), then the GPT-2 regex.
    case smollm = "smollm"
    /// llama.cpp's fallback when a BPE file names no pre-tokenizer: punctuation runs, GPT-2,
    /// number runs, then ASCII digit triples.
    case `default` = "default"

    /// Maps a `tokenizer.ggml.pre` value to its rule set; nil for names this build does not know.
    ///
    /// Several converter names share one regex list in llama.cpp; they are accepted here too.
    public init?(ggufName: String) {
        guard let match = Self.aliases[ggufName] else { return nil }
        self = match
    }

    /// Every `tokenizer.ggml.pre` value accepted, sorted, for error messages.
    public static var supportedNames: [String] { aliases.keys.sorted() }

    private static let aliases: [String: PreTokenizer] = {
        var table: [String: PreTokenizer] = [:]
        let groups: [(PreTokenizer, [String])] = [
            (.gpt2, ["gpt-2", "phi-2", "jina-es", "jina-de", "gigachat", "jina-v2-es", "jina-v2-de", "a.x-4.0",
                     "mellum", "modern-bert", "mpt", "olmo", "jais", "exaone4", "trillion", "granite-docling"]),
            (.llama3, ["llama3", "llama-v3", "llama-bpe", "falcon3", "falcon-h1", "pixtral", "midm-2.0", "lfm2",
                       "jina-v5-nano"]),
            (.qwen2, ["qwen2", "deepseek-r1-qwen", "kormo", "f2llmv2", "megrez", "stablelm2", "hunyuan", "solar-open"]),
            (.smollm, ["smollm", "starcoder", "refact", "command-r", "codeshell", "exaone", "minerva-7b", "mellum2"]),
            (.default, ["default"]),
        ]
        for (kind, names) in groups {
            for name in names { table[name] = kind }
        }
        return table
    }()

    /// The regex list, in application order.
    var rules: [SplitRule] {
        switch self {
        case .gpt2: [.gpt2]
        case .llama3: [.llama3(maxDigits: 3)]
        case .qwen2: [.llama3(maxDigits: 1)]
        case .smollm: [.isolatedNumbers, .gpt2]
        case .default: [.punctuationRuns, .gpt2, .numberRuns, .asciiDigitTriples]
        }
    }

    /// Whether a pre-tokenized word that is itself a token is emitted without merging
    /// (llama.cpp's `ignore_merges`, set for the Llama 3 family).
    var ignoresMerges: Bool { self == .llama3 }

    /// Whether BOS is added when the file has no `tokenizer.ggml.add_bos_token` key.
    var addsBOSByDefault: Bool { self == .llama3 }

    /// Splits `text` into words, returned as lengths in code points that sum to `text.count`.
    func split(_ text: ScalarText) -> [Int] {
        var pieces = text.count > 0 ? [text.count] : []
        for rule in rules {
            pieces = rule.split(text, pieces: pieces)
        }
        return pieces
    }
}
