extension SplitRule {
    /// The single-class rules: each match is a run of one class of code point (or a fixed-size
    /// group of them), and the unmatched stretches between matches are kept as pieces.
    func splitByClass(_ text: ScalarText, _ start: Int, _ end: Int, into out: inout [Int]) {
        var gapStart = start
        var pos = start
        while pos < end {
            let matchLength = self.matchLength(text, at: pos, end: end)
            if matchLength == 0 {
                pos += 1
                continue
            }
            if pos > gapStart { out.append(pos - gapStart) }
            out.append(matchLength)
            pos += matchLength
            gapStart = pos
        }
        if end > gapStart { out.append(end - gapStart) }
    }

    /// Length in code points of the match starting at `pos`, or 0 when none starts there.
    private func matchLength(_ text: ScalarText, at pos: Int, end: Int) -> Int {
        switch self {
        case .isolatedNumbers:
            return text.flags[pos].contains(.number) ? 1 : 0
        case .numberRuns:
            var p = pos
            while p < end && text.flags[p].contains(.number) { p += 1 }
            return p - pos
        case .punctuationRuns:
            var p = pos
            while p < end && Self.isPunctuationOrOperator(text.scalars[p], text.flags[p]) { p += 1 }
            return p - pos
        case .asciiDigitTriples:
            guard pos + 3 <= end else { return 0 }
            for p in pos..<pos + 3 where !(0x30...0x39).contains(text.scalars[p]) { return 0 }
            return 3
        case .gpt2, .llama3:
            preconditionFailure("\(self) is not a single-class rule")
        }
    }

    /// `[\p{P}\$\+<=>\^~\|]`; the backtick is not in llama.cpp's class.
    private static func isPunctuationOrOperator(_ scalar: UInt32, _ flags: CharacterFlags) -> Bool {
        if flags.contains(.punctuation) { return true }
        switch scalar {
        case 0x24, 0x2B, 0x3C, 0x3D, 0x3E, 0x5E, 0x7E, 0x7C: return true  // $ + < = > ^ ~ |
        default: return false
        }
    }
}
