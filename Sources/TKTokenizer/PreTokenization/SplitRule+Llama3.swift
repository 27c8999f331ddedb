extension SplitRule {
    /// `(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+`
    /// (with `\p{N}` instead of `\p{N}{1,3}` when `maxDigits` is 1, Qwen 2's variant), ported from
    /// llama.cpp's `unicode_regex_split_custom_llama3` and `_qwen2`.
    static func splitLlama3(_ text: ScalarText, _ start: Int, _ end: Int, maxDigits: Int, into out: inout [Int]) {
        let scalars = text.scalars
        let allFlags = text.flags
        func flags(_ p: Int) -> CharacterFlags { p < end ? allFlags[p] : [] }
        func scalar(_ p: Int) -> UInt32 { p < end ? scalars[p] : .max }
        func lower(_ c: UInt32) -> UInt32 { (0x41...0x5A).contains(c) ? c + 0x20 : c }
        func isLineBreak(_ c: UInt32) -> Bool { c == 0x0D || c == 0x0A }

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

            // (?i:'s|'t|'re|'ve|'m|'ll|'d)
            if cpt == 0x27 && pos + 1 < end {
                let next = lower(scalars[pos + 1])
                if next == 0x73 || next == 0x74 || next == 0x6D || next == 0x64 {
                    pos += emit(pos + 2)
                    continue
                }
                if pos + 2 < end {
                    let nextNext = lower(scalars[pos + 2])
                    if (next == 0x72 && nextNext == 0x65) || (next == 0x76 && nextNext == 0x65)
                        || (next == 0x6C && nextNext == 0x6C) {
                        pos += emit(pos + 3)
                        continue
                    }
                }
            }

            // [^\r\n\p{L}\p{N}]?\p{L}+
            if !(isLineBreak(cpt) || cptFlags.contains(.number)) {
                if cptFlags.contains(.letter) || flags(pos + 1).contains(.letter) {
                    pos += 1
                    while flags(pos).contains(.letter) { pos += 1 }
                    emit(pos)
                    continue
                }
            }

            // \p{N}{1,3}  (or \p{N})
            if cptFlags.contains(.number) {
                var groupStart = pos
                while flags(pos).contains(.number) {
                    pos += 1
                    if pos - groupStart >= maxDigits {
                        emit(pos)
                        groupStart = pos
                    }
                }
                emit(pos)
                continue
            }

            // <space>?[^\s\p{L}\p{N}]+[\r\n]*
            var flags2 = cpt == 0x20 ? flags(pos + 1) : cptFlags
            if flags2.isDisjoint(with: .letterNumberOrSpace) && cptFlags.contains(.present) {
                if cpt == 0x20 { pos += 1 }
                while flags2.isDisjoint(with: .letterNumberOrSpace) && flags2.contains(.present) {
                    pos += 1
                    flags2 = flags(pos)
                }
                while isLineBreak(scalar(pos)) { pos += 1 }
                emit(pos)
                continue
            }

            var whitespaceCount = 0
            var lastLineBreakEnd = 0
            while flags(pos + whitespaceCount).contains(.whitespace) {
                if isLineBreak(scalars[pos + whitespaceCount]) { lastLineBreakEnd = pos + whitespaceCount + 1 }
                whitespaceCount += 1
            }
            // \s*[\r\n]+
            if lastLineBreakEnd > 0 {
                pos = lastLineBreakEnd
                emit(pos)
                continue
            }
            // \s+(?!\S)
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
