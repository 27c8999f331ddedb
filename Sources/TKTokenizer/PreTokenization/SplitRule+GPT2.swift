extension SplitRule {
    /// `'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)`, ported from
    /// llama.cpp's `unicode_regex_split_custom_gpt2` branch for branch.
    ///
    /// Whitespace the regex leaves unmatched (a lone `\t` before a word, say) still becomes its own
    /// piece, as in llama.cpp.
    static func splitGPT2(_ text: ScalarText, _ start: Int, _ end: Int, into out: inout [Int]) {
        let scalars = text.scalars
        let allFlags = text.flags
        func flags(_ p: Int) -> CharacterFlags { p < end ? allFlags[p] : [] }
        func scalar(_ p: Int) -> UInt32 { p < end ? scalars[p] : .max }

        var previousEnd = start
        @discardableResult
        func emit(_ e: Int) -> Int {
            let length = e - previousEnd
            if length > 0 { out.append(length) }
            previousEnd = e
            return length
        }

        var pos = start
        while pos < end {
            let cpt = scalars[pos]
            let cptFlags = allFlags[pos]

            // 's|'t|'re|'ve|'m|'ll|'d (case-sensitive here, unlike Llama 3)
            if cpt == 0x27 && pos + 1 < end {
                let next = scalars[pos + 1]
                if next == 0x73 || next == 0x74 || next == 0x6D || next == 0x64 {  // s t m d
                    pos += emit(pos + 2)
                    continue
                }
                if pos + 2 < end {
                    let nextNext = scalars[pos + 2]
                    if (next == 0x72 && nextNext == 0x65) || (next == 0x76 && nextNext == 0x65)
                        || (next == 0x6C && nextNext == 0x6C) {  // re ve ll
                        pos += emit(pos + 3)
                        continue
                    }
                }
            }

            var flags2 = cpt == 0x20 ? flags(pos + 1) : cptFlags
            // <space>?\p{L}+
            if flags2.contains(.letter) {
                if cpt == 0x20 { pos += 1 }
                while flags2.contains(.letter) {
                    pos += 1
                    flags2 = flags(pos)
                }
                emit(pos)
                continue
            }
            // <space>?\p{N}+
            if flags2.contains(.number) {
                if cpt == 0x20 { pos += 1 }
                while flags2.contains(.number) {
                    pos += 1
                    flags2 = flags(pos)
                }
                emit(pos)
                continue
            }
            // <space>?[^\s\p{L}\p{N}]+
            if flags2.isDisjoint(with: .letterNumberOrSpace) && flags2.contains(.present) {
                if cpt == 0x20 { pos += 1 }
                while flags2.isDisjoint(with: .letterNumberOrSpace) && flags2.contains(.present) {
                    pos += 1
                    flags2 = flags(pos)
                }
                emit(pos)
                continue
            }

            var whitespaceCount = 0
            while flags(pos + whitespaceCount).contains(.whitespace) { whitespaceCount += 1 }
            // \s+(?!\S): leave the last space to prefix the next word
            if whitespaceCount > 1 && scalar(pos + whitespaceCount) != .max {
                pos += whitespaceCount - 1
                emit(pos)
                continue
            }
            // \s+
            if whitespaceCount > 0 {
                pos += whitespaceCount
                emit(pos)
                continue
            }
            // no match
            pos += 1
            emit(pos)
        }
    }
}
