/// A published release of TruthfulQA, as pinned in `DataCatalog.truthfulQA`.
///
/// `load(language:version:dataDirectory:)` takes one to pick a file; a loaded data set carries
/// the release it was identified as (by its SHA-256, else by its header and content).
public enum TruthfulQAVersion: String, Sendable, Codable, CaseIterable, Hashable, CustomStringConvertible {
    /// `mc_task.json` at sylinrl/TruthfulQA@013686a as Hugging Face's `truthful_qa`
    /// `multiple_choice` config loads it (`mc_en.jsonl`), which is what lm-evaluation-harness's
    /// `truthfulqa_mc1`/`truthfulqa_mc2` score. The default for English.
    case huggingFace = "hf"
    /// The first CSV (September 2021, 817 questions), `TruthfulQA_v0_2021-09.csv`; the file the
    /// `mc_task.json` targets and Hugging Face's `generation` config come from.
    case v0
    /// The October 2021 CSV (817 questions, 250 more correct answers),
    /// `TruthfulQA_v1_2021-10.csv`.
    case v1
    /// The January 2025 CSV (790 questions, adds `Best Incorrect Answer`), `TruthfulQA.csv`.
    case v2025 = "2025"
    /// The professional translations of hitz-zentroa/truthfulqa-multi (`mc_<lang>.jsonl`), built
    /// from v0; the default for es, ca, eu and gl.
    case multilingual = "multi"

    public var description: String {
        switch self {
        case .huggingFace: return "Hugging Face multiple_choice (mc_task.json, 2021)"
        case .v0: return "official CSV v0 (2021-09)"
        case .v1: return "official CSV v1 (2021-10)"
        case .v2025: return "official CSV (2025-01)"
        case .multilingual: return "TruthfulQA-Multi (hitz-zentroa)"
        }
    }
}
