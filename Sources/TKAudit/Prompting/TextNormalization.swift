/// Text compared for exact match: lower-cased, letters and digits only, single spaces.
enum TextNormalization {
    static func normalized(_ text: String) -> String {
        let kept = text.lowercased().map { $0.isLetter || $0.isNumber ? $0 : " " }
        return String(kept).split(separator: " ").joined(separator: " ")
    }
}
