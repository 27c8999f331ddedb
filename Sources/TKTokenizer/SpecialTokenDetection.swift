/// The token texts llama.cpp recognises by name at load time (`llama_vocab::impl::load`).
///
/// Converters do not always record end-of-turn or fill-in-the-middle ids in the metadata, so
/// llama.cpp finds them by text; matching the same lists keeps our end-of-generation set and our
/// special-token matching identical to llama.cpp's.
enum SpecialTokenDetection {
    /// Candidates for `eot` when the file names none.
    static let endOfTurn: Set<String> = [
        "<|eot_id|>", "<|im_end|>", "<|end|>", "<end_of_turn>", "<|endoftext|>", "<|end_of_text|>", "<EOT>",
        "_<EOT>", "[EOT]", "<｜end▁of▁sentence｜>", "<end_of_utterance>",
    ]
    static let endOfMessage: Set<String> = ["<|eom_id|>"]
    static let fimPrefix: Set<String> = [
        "<|fim_prefix|>", "<fim-prefix>", "<fim_prefix>", "<｜fim▁begin｜>", "<PRE>", "▁<PRE>", "<|code_prefix|>",
        "<|prefix|>",
    ]
    static let fimSuffix: Set<String> = [
        "<|fim_suffix|>", "<fim-suffix>", "<fim_suffix>", "<｜fim▁hole｜>", "<SUF>", "▁<SUF>", "<|code_suffix|>",
        "<|suffix|>",
    ]
    static let fimMiddle: Set<String> = [
        "<|fim_middle|>", "<fim-middle>", "<fim_middle>", "<｜fim▁end｜>", "<MID>", "▁<MID>", "<|code_middle|>",
        "<|middle|>",
    ]
    static let fimPad: Set<String> = ["<|fim_pad|>", "<fim-pad>", "<fim_pad>", "<PAD>", "[PAD]"]
    static let fimRepo: Set<String> = ["<|fim_repo|>", "<|repo_name|>", "<fim-repo>", "<REPO>", "<reponame>"]
    static let fimSeparator: Set<String> = ["<|file_sep|>"]

    /// Texts that end generation wherever they appear in the vocabulary.
    static let endOfGeneration: Set<String> = [
        "<|eot_id|>", "<|im_end|>", "<|end|>", "<|return|>", "<|call|>", "<|flush|>", "<|calls|>", "<end_of_turn>",
        "<|endoftext|>", "</s>", "<|eom_id|>", "<EOT>", "_<EOT>", "[EOT]", "[EOS]", "<|end_of_text|>",
        "<end_of_utterance>", "<eos>", "<turn|>", "<|tool_response>", "<｜end▁of▁sentence｜>", "[e~[",
    ]

    /// gpt-oss chat markup that llama.cpp always renders, so it treats it as user-defined.
    static let alwaysRendered: Set<String> = ["<|channel|>", "<|message|>", "<|start|>", "<|constrain|>"]
}
