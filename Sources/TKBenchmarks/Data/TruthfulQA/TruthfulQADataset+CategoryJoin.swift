extension TruthfulQADataset {
    /// This data set with each item's missing category and type filled in from the CSV row
    /// asking the same question.
    ///
    /// Questions match when equal, or else equal after trimming whitespace. Items that already
    /// have a category or type keep it; items that match no row keep nil. Nothing else is copied:
    /// the MC targets and answers stay as this file has them. `categoryJoin` records the CSV and
    /// how many items matched. For `mc_en.jsonl` use the v0 CSV, the file `mc_task.json` was
    /// made from: all 817 questions match (816 exactly, 1 after trimming).
    public func joiningCategories(from csv: TruthfulQADataset) -> TruthfulQADataset {
        var exact: [String: TruthfulQAItem] = [:]
        var trimmed: [String: TruthfulQAItem] = [:]
        for row in csv.items {
            if exact[row.question] == nil { exact[row.question] = row }
            let key = row.question.trimmingWhitespace()
            if trimmed[key] == nil { trimmed[key] = row }
        }
        var joined = self
        var matchedExactly = 0
        var matchedAfterTrimming = 0
        var unmatched: [Int] = []
        for position in joined.items.indices {
            let question = joined.items[position].question
            let row: TruthfulQAItem
            if let match = exact[question] {
                row = match
                matchedExactly += 1
            } else if let match = trimmed[question.trimmingWhitespace()] {
                row = match
                matchedAfterTrimming += 1
            } else {
                unmatched.append(joined.items[position].index)
                continue
            }
            if joined.items[position].category == nil { joined.items[position].category = row.category }
            if joined.items[position].type == nil { joined.items[position].type = row.type }
        }
        joined.categoryJoin = CategoryJoinReport(
            csvFile: csv.fileURL, csvVersion: csv.version, matchedExactly: matchedExactly,
            matchedAfterTrimming: matchedAfterTrimming, unmatchedIndices: unmatched
        )
        return joined
    }
}
