import TKGGUF

extension Vocabulary {
    /// Reads the vocabulary from a GGUF file's `tokenizer.*` metadata.
    ///
    /// Defaults follow llama.cpp's `llama_vocab::load`: SentencePiece files default to BOS 1, EOS 2,
    /// unknown 0, adding BOS and a space prefix; byte-level BPE files default to BOS and EOS 11 and
    /// add BOS only for the Llama 3 pre-tokenizer. A special-token key naming an id outside the
    /// vocabulary is ignored in favour of the default, as llama.cpp does.
    ///
    /// - Throws: `TokenizerError` when the token list or model is missing, the model or
    ///   pre-tokenizer is unknown, a BPE file has no merges, or a key has the wrong type.
    public init(gguf file: GGUFFile) throws(TokenizerError) {
        let source = file.path ?? "the GGUF file"
        guard let modelValue = file["tokenizer.ggml.model"] else {
            throw TokenizerError(.missingVocabulary, "\(source) has no tokenizer (tokenizer.ggml.model is missing); convert the model with llama.cpp's convert_hf_to_gguf.py, which embeds it")
        }
        guard let modelName = modelValue.stringValue else {
            throw TokenizerError(.malformedMetadata, "\(source): tokenizer.ggml.model should be a string, found \(modelValue.type)")
        }
        guard let model = TokenizerModel(rawValue: modelName) else {
            throw TokenizerError(.unknownModel, "\(source): tokenizer model '\(modelName)' is not supported; this build reads 'gpt2' (byte-level BPE: GPT-2, Llama 3, Qwen 2, SmolLM) and 'llama' (SentencePiece: Llama 2, Mistral, TinyLlama)")
        }

        let tokens = try Self.strings(file, "tokenizer.ggml.tokens", source: source) ?? []
        guard !tokens.isEmpty else {
            throw TokenizerError(.missingVocabulary, "\(source): tokenizer.ggml.tokens is missing or empty; the file has no vocabulary — re-convert the model")
        }

        var scores: [Float] = []
        if let value = file["tokenizer.ggml.scores"] {
            guard let items = value.arrayValue, items.count >= tokens.count else {
                throw TokenizerError(.malformedMetadata, "\(source): tokenizer.ggml.scores should be an array with one number per token (\(tokens.count)); the file is inconsistent — re-convert the model")
            }
            scores = try items.prefix(tokens.count).map { (item: GGUFValue) throws(TokenizerError) -> Float in
                guard let d = item.doubleValue else {
                    throw TokenizerError(.malformedMetadata, "\(source): tokenizer.ggml.scores holds \(item.type) values; expected float32")
                }
                return Float(d)
            }
        }

        var tokenTypes: [TokenType] = []
        if let value = file["tokenizer.ggml.token_type"] {
            guard let items = value.arrayValue, items.count >= tokens.count else {
                throw TokenizerError(.malformedMetadata, "\(source): tokenizer.ggml.token_type should be an array with one int32 per token (\(tokens.count)); the file is inconsistent — re-convert the model")
            }
            tokenTypes = try items.prefix(tokens.count).map { (item: GGUFValue) throws(TokenizerError) -> TokenType in
                guard let i = item.intValue else {
                    throw TokenizerError(.malformedMetadata, "\(source): tokenizer.ggml.token_type holds \(item.type) values; expected int32")
                }
                return TokenType(rawValue: Int32(truncatingIfNeeded: i)) ?? .undefined
            }
        }

        var merges: [String] = []
        var preTokenizer = PreTokenizer.default
        var special = SpecialTokenIDs()
        switch model {
        case .bytePair:
            guard let list = try Self.strings(file, "tokenizer.ggml.merges", source: source) else {
                throw TokenizerError(.missingMerges, "\(source): a tokenizer without merges — tokenizer.ggml.model is 'gpt2' (byte-level BPE) but tokenizer.ggml.merges is missing; re-convert the model with a current llama.cpp")
            }
            merges = list
            if let value = file["tokenizer.ggml.pre"] {
                guard let name = value.stringValue else {
                    throw TokenizerError(.malformedMetadata, "\(source): tokenizer.ggml.pre should be a string, found \(value.type)")
                }
                guard let known = PreTokenizer(ggufName: name) else {
                    throw TokenizerError(.unknownPreTokenizer, "\(source): pre-tokenizer '\(name)' (tokenizer.ggml.pre) is not supported; supported: \(PreTokenizer.supportedNames.joined(separator: ", "))")
                }
                preTokenizer = known
            }
            special.bos = 11
            special.eos = 11
        case .sentencePiece:
            special.bos = 1
            special.eos = 2
            special.unknown = 0
        }

        let count = tokens.count
        func read(_ name: String, _ fallback: Int32?) -> Int32? {
            let usable = fallback.flatMap { $0 < count ? $0 : nil }
            guard let value = file["tokenizer.ggml.\(name)_token_id"]?.intValue else { return usable }
            return value >= 0 && value < count ? Int32(value) : usable
        }
        special.bos = read("bos", special.bos)
        special.eos = read("eos", special.eos)
        special.eot = read("eot", nil)
        special.eom = read("eom", nil)
        special.unknown = read("unknown", special.unknown)
        special.separator = read("seperator", nil)  // llama.cpp's spelling
        special.padding = read("padding", nil)
        special.mask = read("mask", nil)
        special.fimPrefix = read("fim_pre", nil) ?? read("prefix", nil)
        special.fimSuffix = read("fim_suf", nil) ?? read("suffix", nil)
        special.fimMiddle = read("fim_mid", nil) ?? read("middle", nil)
        special.fimPad = read("fim_pad", nil)
        special.fimRepo = read("fim_rep", nil)
        special.fimSeparator = read("fim_sep", nil)

        self.init(model: model, tokens: tokens, scores: scores, tokenTypes: tokenTypes, merges: merges,
                  preTokenizer: preTokenizer, specialIDs: special,
                  addBOS: file["tokenizer.ggml.add_bos_token"]?.boolValue,
                  addEOS: file["tokenizer.ggml.add_eos_token"]?.boolValue ?? false,
                  addSpacePrefix: file["tokenizer.ggml.add_space_prefix"]?.boolValue,
                  chatTemplate: file["tokenizer.chat_template"]?.stringValue
                      ?? BuiltInChatTemplates.template(forArchitecture: file.architecture))
    }

    private static func strings(_ file: GGUFFile, _ key: String, source: String) throws(TokenizerError) -> [String]? {
        guard let value = file[key] else { return nil }
        guard let items = value.arrayValue else {
            throw TokenizerError(.malformedMetadata, "\(source): \(key) should be an array of strings, found \(value.type)")
        }
        var out: [String] = []
        out.reserveCapacity(items.count)
        for item in items {
            guard let s = item.stringValue else {
                throw TokenizerError(.malformedMetadata, "\(source): \(key) should hold strings, found \(item.type)")
            }
            out.append(s)
        }
        return out
    }
}
