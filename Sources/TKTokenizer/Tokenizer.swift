/// Turns text into token ids and back, exactly as llama.cpp does for the same GGUF vocabulary.
///
/// Built once per model from a `Vocabulary` (or a GGUF file, see `init(gguf:)`) and immutable
/// afterwards, so one instance can serve every thread. Two algorithms are implemented:
/// byte-level BPE (`TokenizerModel.bytePair`) with llama.cpp's pre-tokenizers, and SentencePiece-style
/// BPE with byte fallback (`TokenizerModel.sentencePiece`).
///
/// Decoding is lossless: for any text encoded without special tokens,
/// `decode(encode(text, addSpecial: false)) == text`.
public final class Tokenizer: Sendable {
    /// Which algorithm segments text: byte-level BPE or SentencePiece.
    public let model: TokenizerModel
    /// The vocabulary's special-token roles, after llama.cpp's detection by token text
    /// (end-of-turn and fill-in-the-middle tokens are often only known by name).
    public let specialTokenIDs: SpecialTokenIDs
    /// Whether `encode(_:addSpecial: true)` starts with BOS (`tokenizer.ggml.add_bos_token`).
    public let addsBOS: Bool
    /// Whether `encode(_:addSpecial: true)` ends with EOS (`tokenizer.ggml.add_eos_token`).
    public let addsEOS: Bool
    /// `tokenizer.chat_template`, a Jinja template for chat-formatted prompts.
    public let chatTemplate: String?
    /// How byte-level BPE cuts text into words (`tokenizer.ggml.pre`); unused by SentencePiece.
    public let preTokenizer: PreTokenizer

    private let addSpacePrefix: Bool
    private let attributes: [TokenAttributes]
    private let texts: [String]
    private let pieces: TokenPieces
    private let table: TokenTable
    private let matcher: SpecialTokenMatcher
    private let encoder: Encoder
    private let endOfGeneration: Set<Int32>

    private enum Encoder: Sendable {
        case bytePair(BytePairEncoder)
        case sentencePiece(SentencePieceEncoder)
    }

    /// Builds a tokenizer from a vocabulary value.
    ///
    /// - Throws: `TokenizerError` when the vocabulary is empty, the scores or types do not match
    ///   the token count, a special-token id is outside the vocabulary, or a byte-level BPE
    ///   vocabulary has no merges.
    public init(vocabulary: Vocabulary) throws(TokenizerError) {
        let count = vocabulary.tokens.count
        guard count > 0, count < Int(Int32.max) else {
            throw TokenizerError(.missingVocabulary, "the vocabulary has \(count) tokens; a tokenizer needs at least one (and fewer than 2^31)")
        }
        guard vocabulary.scores.isEmpty || vocabulary.scores.count == count else {
            throw TokenizerError(.malformedMetadata, "the vocabulary has \(count) tokens but \(vocabulary.scores.count) scores; give one score per token, or none")
        }
        guard vocabulary.tokenTypes.isEmpty || vocabulary.tokenTypes.count == count else {
            throw TokenizerError(.malformedMetadata, "the vocabulary has \(count) tokens but \(vocabulary.tokenTypes.count) token types; give one type per token, or none")
        }
        for (name, id) in vocabulary.specialIDs.all {
            if let id, id < 0 || Int(id) >= count {
                throw TokenizerError(.tokenIDOutOfRange, "the \(name) token id \(id) is outside the vocabulary (0..<\(count)); fix tokenizer.ggml.\(name)_token_id or leave it out")
            }
        }
        if vocabulary.model == .bytePair && vocabulary.merges.isEmpty {
            throw TokenizerError(.missingMerges, "a tokenizer without merges: a byte-level BPE vocabulary needs tokenizer.ggml.merges; re-convert the model with a current llama.cpp")
        }

        // llama.cpp renames empty tokens so that every text is unique and non-empty.
        var texts = vocabulary.tokens
        for i in texts.indices where texts[i].isEmpty { texts[i] = "[EMPTY_\(i)]" }
        let textBytes = texts.map { Array($0.utf8) }
        let table = TokenTable(textBytes)

        var attributes = vocabulary.tokenTypes.isEmpty
            ? [TokenAttributes](repeating: .normal, count: count)
            : vocabulary.tokenTypes.map(TokenAttributes.init)
        var special = vocabulary.specialIDs
        let endOfGeneration = Self.detectSpecialTokens(texts, &attributes, &special)

        var specials: [(id: Int32, text: [UInt8], userDefined: Bool)] = []
        for id in 0..<count where !attributes[id].isDisjoint(with: [.control, .userDefined, .unknown]) {
            let alwaysMatched = attributes[id].contains(.userDefined) && attributes[id].isDisjoint(with: .special)
            specials.append((Int32(id), textBytes[id], alwaysMatched))
        }

        var pieces: [[UInt8]] = []
        pieces.reserveCapacity(count)
        for id in 0..<count {
            let attribute = attributes[id]
            if !attribute.isDisjoint(with: [.control, .unknown, .userDefined]) {
                pieces.append(textBytes[id])
            } else if attribute.contains(.byte), let byte = TokenPieces.byteTokenValue(textBytes[id]) {
                pieces.append([byte])
            } else if vocabulary.model == .bytePair {
                pieces.append(TokenPieces.byteLevelDecoded(texts[id]))
            } else {
                pieces.append(TokenPieces.sentencePieceDecoded(textBytes[id]))
            }
        }

        switch vocabulary.model {
        case .bytePair:
            encoder = .bytePair(BytePairEncoder(vocabularySize: count, table: table, merges: vocabulary.merges,
                                                ignoresMerges: vocabulary.preTokenizer.ignoresMerges))
        case .sentencePiece:
            let scores = vocabulary.scores.isEmpty ? [Float](repeating: 0, count: count) : vocabulary.scores
            encoder = .sentencePiece(SentencePieceEncoder(table: table, scores: scores, unknownID: special.unknown))
        }

        model = vocabulary.model
        specialTokenIDs = special
        addsBOS = vocabulary.addBOS
        addsEOS = vocabulary.addEOS
        chatTemplate = vocabulary.chatTemplate
        preTokenizer = vocabulary.preTokenizer
        addSpacePrefix = vocabulary.addSpacePrefix
        self.attributes = attributes
        self.texts = texts
        self.pieces = TokenPieces(pieces)
        self.table = table
        matcher = SpecialTokenMatcher(specials)
        self.endOfGeneration = endOfGeneration
    }

    /// Applies llama.cpp's load-time detection by token text: fills unset end-of-turn, end-of-message
    /// and fill-in-the-middle roles, marks those tokens control, and returns the end-of-generation set.
    ///
    /// Where llama.cpp picks among several matching tokens in hash-map order, the lowest id wins here.
    private static func detectSpecialTokens(_ texts: [String], _ attributes: inout [TokenAttributes],
                                            _ special: inout SpecialTokenIDs) -> Set<Int32> {
        typealias Names = SpecialTokenDetection
        let known = Names.endOfTurn.union(Names.endOfMessage).union(Names.fimPrefix).union(Names.fimSuffix)
            .union(Names.fimMiddle).union(Names.fimPad).union(Names.fimRepo).union(Names.fimSeparator)
            .union(Names.endOfGeneration).union(Names.alwaysRendered)
        let candidates = texts.indices.filter { known.contains(texts[$0]) }

        func detect(_ current: Int32?, _ names: Set<String>) -> Int32? {
            guard current == nil else { return current }
            guard let id = candidates.first(where: { names.contains(texts[$0]) }) else { return nil }
            attributes[id].insert(.control)
            return Int32(id)
        }
        special.eot = detect(special.eot, Names.endOfTurn)
        special.eom = detect(special.eom, Names.endOfMessage)
        special.fimPrefix = detect(special.fimPrefix, Names.fimPrefix)
        special.fimSuffix = detect(special.fimSuffix, Names.fimSuffix)
        special.fimMiddle = detect(special.fimMiddle, Names.fimMiddle)
        special.fimPad = detect(special.fimPad, Names.fimPad)
        special.fimRepo = detect(special.fimRepo, Names.fimRepo)
        special.fimSeparator = detect(special.fimSeparator, Names.fimSeparator)

        var endOfGeneration = Set([special.fimPad, special.fimRepo, special.fimSeparator].compactMap { $0 })
        for id in candidates where Names.endOfGeneration.contains(texts[id]) {
            endOfGeneration.insert(Int32(id))
            attributes[id].insert(.control)
        }
        for id in candidates where Names.alwaysRendered.contains(texts[id]) {
            attributes[id] = .userDefined
        }
        for id in [special.eos, special.eot, special.eom].compactMap({ $0 }) {
            endOfGeneration.insert(id)
        }

        // gpt-oss and Solar Open end a message with <|end|> but continue the turn: not EOG there.
        let generationTexts = Set(endOfGeneration.map { texts[Int($0)] })
        let hasCall = generationTexts.contains("<|call|>") || generationTexts.contains("<|calls|>")
        if generationTexts.contains("<|end|>"), hasCall,
           generationTexts.contains("<|return|>") || generationTexts.contains("<|flush|>") {
            for id in endOfGeneration where texts[Int(id)] == "<|end|>" {
                endOfGeneration.remove(id)
                attributes[Int(id)] = .userDefined
            }
        }
        // Gemma 4 and PLaMo use </s> as ordinary text.
        if generationTexts.contains("</s>"),
           generationTexts.contains("<|tool_response>") || generationTexts.contains("<|plamo:eos|>") {
            for id in endOfGeneration where texts[Int(id)] == "</s>" {
                endOfGeneration.remove(id)
                attributes[Int(id)] = .normal
            }
        }
        return endOfGeneration
    }

    // MARK: Vocabulary

    /// Number of tokens; valid ids are `0..<vocabularySize`.
    public var vocabularySize: Int { attributes.count }

    /// Beginning of sequence, added by `encode` when `addsBOS` is set.
    public var bosID: Int32? { specialTokenIDs.bos }
    /// End of sequence; always counts as end of generation.
    public var eosID: Int32? { specialTokenIDs.eos }
    /// End of turn (`<|im_end|>`, `<|eot_id|>`, …), from the metadata or found by text.
    public var eotID: Int32? { specialTokenIDs.eot }

    /// Whether generating `id` ends the turn: EOS, EOT, EOM, and tokens llama.cpp recognises by
    /// text such as `<|im_end|>`, `<|eot_id|>` or `<|endoftext|>`.
    public func isEndOfGeneration(_ id: Int32) -> Bool {
        endOfGeneration.contains(id)
    }

    /// All end-of-generation ids, sorted.
    public var endOfGenerationIDs: [Int32] { endOfGeneration.sorted() }

    /// Whether `id` is a control or unknown token: markup, not text.
    public func isSpecial(_ id: Int32) -> Bool {
        isValid(id) && !attributes[Int(id)].isDisjoint(with: .special)
    }

    /// The id of the token whose stored text is exactly `text` (compared byte for byte), e.g.
    /// `"<|im_end|>"`, or nil.
    public func tokenID(forText text: String) -> Int32? {
        table.id(of: Array(text.utf8))
    }

    /// The token's text as stored in the vocabulary (GPT-2 byte encoding or "▁" escapes included).
    /// Empty for ids outside the vocabulary.
    public func storedText(_ id: Int32) -> String {
        isValid(id) ? texts[Int(id)] : ""
    }

    /// Throws if any id is outside the vocabulary; use before decoding ids from an untrusted source.
    public func checkIDs(_ ids: [Int32]) throws(TokenizerError) {
        if let bad = ids.first(where: { !isValid($0) }) {
            throw TokenizerError(.tokenIDOutOfRange, "token id \(bad) is outside the vocabulary (0..<\(vocabularySize))")
        }
    }

    func isValid(_ id: Int32) -> Bool {
        id >= 0 && Int(id) < attributes.count
    }

    // MARK: Encoding

    /// True when `text` begins with the BOS token's text — a chat template that writes
    /// `{{ bos_token }}` itself, as Gemma's and Llama 3's do.
    public func startsWithBOSText(_ text: String) -> Bool {
        guard let bos = bosID else { return false }
        let piece = tokenBytes(bos)
        return !piece.isEmpty && text.utf8.starts(with: piece)
    }

    /// Token ids of a prompt TruthKit assembled (a text preset or a rendered chat template):
    /// special-token texts become their tokens (`<|im_start|>`, `<start_of_turn>`), and BOS is
    /// added where the vocabulary asks for it unless the text already starts with it, so a prompt
    /// never begins with two BOS (the template's and the tokenizer's).
    public func encodePrompt(_ text: String) -> [Int32] {
        encode(text, addSpecial: !startsWithBOSText(text), parseSpecial: true)
    }

    /// Token ids for `text`.
    ///
    /// - Parameters:
    ///   - addSpecial: add BOS and EOS where the vocabulary asks for them (`addsBOS`, `addsEOS`).
    ///   - parseSpecial: match control-token texts written in the input (`<|im_start|>`) as single
    ///     tokens, as a chat template's output needs. When false they are tokenized as plain text.
    ///     User-defined tokens are matched either way, as in llama.cpp.
    public func encode(_ text: String, addSpecial: Bool = true, parseSpecial: Bool = false) -> [Int32] {
        let bytes = Array(text.utf8)
        var out: [Int32] = []
        out.reserveCapacity(bytes.count / 3 + 2)
        if addSpecial && addsBOS, let bos = bosID { out.append(bos) }

        let fragments = matcher.partition(bytes, parseSpecial: parseSpecial)
        switch encoder {
        case .bytePair(let bpe):
            var scratch = BytePairEncoder.Scratch()
            var scalars = ScalarText()
            for fragment in fragments {
                switch fragment {
                case .token(let id):
                    out.append(id)
                case .text(let range):
                    scalars.load(bytes, range)
                    var position = 0
                    for length in preTokenizer.split(scalars) {
                        let word = scalars.byteOffsets[position]..<scalars.byteOffsets[position + length]
                        bpe.encodeWord(bytes, word, scratch: &scratch, into: &out)
                        position += length
                    }
                }
            }
        case .sentencePiece(let spm):
            var scratch = SentencePieceEncoder.Scratch()
            var escaped: [UInt8] = []
            let space: [UInt8] = [0xE2, 0x96, 0x81]  // "▁"
            // llama.cpp prefixes a space to the first text and to text after each special token.
            var afterSpecial = true
            for fragment in fragments {
                switch fragment {
                case .token(let id):
                    out.append(id)
                    afterSpecial = true
                case .text(let range):
                    escaped.removeAll(keepingCapacity: true)
                    if addSpacePrefix && afterSpecial { escaped.append(contentsOf: space) }
                    for i in range {
                        if bytes[i] == 0x20 { escaped.append(contentsOf: space) } else { escaped.append(bytes[i]) }
                    }
                    spm.encode(escaped, scratch: &scratch, into: &out)
                    afterSpecial = false
                }
            }
        }

        if addSpecial && addsEOS, let eos = eosID { out.append(eos) }
        return out
    }

    // MARK: Decoding

    /// The bytes token `id` stands for: the original text bytes for ordinary and byte tokens, the
    /// literal text for special tokens. Empty for ids outside the vocabulary.
    public func tokenBytes(_ id: Int32) -> [UInt8] {
        isValid(id) ? Array(pieces[Int(id)]) : []
    }

    /// `tokenBytes` as text, for display; a token holding part of a multi-byte character shows
    /// U+FFFD.
    public func tokenText(_ id: Int32) -> String {
        String(decoding: tokenBytes(id), as: UTF8.self)
    }

    /// The text of `ids`.
    ///
    /// Special tokens appear as their literal text unless `skipSpecialTokens` is set. For
    /// SentencePiece vocabularies that add a space prefix, the space the encoder put before the
    /// first text (after an optional leading BOS) is removed, so `decode(encode(text))` gives back
    /// `text`. Ids outside the vocabulary are ignored (see `checkIDs`). Byte sequences that are not
    /// valid UTF-8 become U+FFFD.
    public func decode(_ ids: [Int32], skipSpecialTokens: Bool = false) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(ids.count * 4)
        var stripIndex = -1
        if model == .sentencePiece && addSpacePrefix {
            stripIndex = ids.count > 1 && ids[0] == bosID ? 1 : 0
        }
        for (index, id) in ids.enumerated() where isValid(id) {
            if skipSpecialTokens && !attributes[Int(id)].isDisjoint(with: .special) { continue }
            let piece = pieces[Int(id)]
            if index == stripIndex && piece.first == 0x20 {
                out.append(contentsOf: piece.dropFirst())
            } else {
                out.append(contentsOf: piece)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Whether decoding with `skipSpecialTokens` drops `id`.
    func isSkippedWhenSkippingSpecials(_ id: Int32) -> Bool {
        !attributes[Int(id)].isDisjoint(with: .special)
    }
}
