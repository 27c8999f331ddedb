/// How a catalog file is made from its upstream sources.
///
/// The conversions reproduce exactly how the files in `../shared/data` were made, so a
/// converted download hashes to the same pinned SHA-256 as the shared copy: that hash checks the
/// download and the conversion together.
public enum DataConversion: String, Sendable, Codable, Hashable {
    /// The single source, byte for byte.
    case none
    /// `mc_task.json` (a JSON array of objects whose `mc1_targets`/`mc2_targets` map each option
    /// to its 0/1 label) to JSONL the way Hugging Face's `truthful_qa` loader reads it: choices
    /// are the object's keys and labels its values, in file order (a repeated key keeps its first
    /// place and its last value, as Python's `json.load` does). Each line is
    /// `{"question", "mc1_targets", "mc2_targets"}`; `mc0_targets` is dropped.
    case huggingFaceMultipleChoice
    /// TruthfulQA-Multi `validation.json`/`train.json` (JSON arrays of records) to JSONL: one
    /// record a line, keys in the order `question, mc1_targets, mc2_targets, id, type, category,
    /// best_answer, correct_answers, incorrect_answers, source, annotation, lang` (others after,
    /// as found), values unchanged. Several sources are concatenated in order.
    case multilingualRecords
}
