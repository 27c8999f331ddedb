/// The ids a vocabulary assigns to its special roles; nil where it has none.
///
/// Fill-in-the-middle roles matter here only because llama.cpp counts the pad, repo and separator
/// tokens as end of generation.
public struct SpecialTokenIDs: Sendable, Equatable {
    /// Beginning of sequence (`<s>`, `<|begin_of_text|>`).
    public var bos: Int32?
    /// End of sequence (`</s>`, `<|endoftext|>`).
    public var eos: Int32?
    /// End of turn, e.g. `<|eot_id|>` or `<|im_end|>`.
    public var eot: Int32?
    /// End of message, e.g. `<|eom_id|>`.
    public var eom: Int32?
    /// Stands for text nothing else can represent (`<unk>`).
    public var unknown: Int32?
    /// Separator between segments (BERT-style `[SEP]`).
    public var separator: Int32?
    /// Padding for batched inputs.
    public var padding: Int32?
    /// Masked-language-model mask.
    public var mask: Int32?
    /// Fill-in-the-middle: start of the prefix.
    public var fimPrefix: Int32?
    /// Fill-in-the-middle: start of the suffix.
    public var fimSuffix: Int32?
    /// Fill-in-the-middle: where the middle is generated.
    public var fimMiddle: Int32?
    /// Fill-in-the-middle: padding; ends generation.
    public var fimPad: Int32?
    /// Fill-in-the-middle: repository name marker; ends generation.
    public var fimRepo: Int32?
    /// Fill-in-the-middle: file separator; ends generation.
    public var fimSeparator: Int32?

    /// Creates a set of roles; unset roles have no token.
    public init(bos: Int32? = nil, eos: Int32? = nil, eot: Int32? = nil, eom: Int32? = nil,
                unknown: Int32? = nil, separator: Int32? = nil, padding: Int32? = nil, mask: Int32? = nil,
                fimPrefix: Int32? = nil, fimSuffix: Int32? = nil, fimMiddle: Int32? = nil,
                fimPad: Int32? = nil, fimRepo: Int32? = nil, fimSeparator: Int32? = nil) {
        self.bos = bos
        self.eos = eos
        self.eot = eot
        self.eom = eom
        self.unknown = unknown
        self.separator = separator
        self.padding = padding
        self.mask = mask
        self.fimPrefix = fimPrefix
        self.fimSuffix = fimSuffix
        self.fimMiddle = fimMiddle
        self.fimPad = fimPad
        self.fimRepo = fimRepo
        self.fimSeparator = fimSeparator
    }

    /// Every role with its name as in `tokenizer.ggml.<name>_token_id`, for validation messages.
    var all: [(name: String, id: Int32?)] {
        [("bos", bos), ("eos", eos), ("eot", eot), ("eom", eom), ("unknown", unknown),
         ("seperator", separator), ("padding", padding), ("mask", mask), ("fim_pre", fimPrefix),
         ("fim_suf", fimSuffix), ("fim_mid", fimMiddle), ("fim_pad", fimPad), ("fim_rep", fimRepo),
         ("fim_sep", fimSeparator)]
    }
}
