/// The segmentation algorithm a vocabulary uses, from `tokenizer.ggml.model`.
public enum TokenizerModel: String, Sendable, CaseIterable {
    /// Byte-level BPE (GPT-2, Llama 3, Qwen 2, SmolLM): text is mapped byte by byte onto printable
    /// characters, split by a pre-tokenizer, then merged by rank.
    case bytePair = "gpt2"
    /// SentencePiece-style BPE (Llama 2, Mistral, TinyLlama): spaces become "▁", pieces merge by
    /// score, and bytes with no piece fall back to `<0xXX>` tokens.
    case sentencePiece = "llama"
}
