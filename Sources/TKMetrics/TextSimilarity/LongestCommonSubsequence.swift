/// The longest-common-subsequence pieces of rouge-score's ROUGE-L and ROUGE-Lsum
/// (`_lcs_table`, `_backtrack_norec`, `_union_lcs`, `_summary_level_lcs`).
///
/// The backtracking rule matters, not only the LCS length: ROUGE-Lsum takes the union of *one*
/// LCS per candidate sentence, and which LCS is picked when several exist decides which
/// reference tokens count as hits. The tie-breaking below is rouge-score's: on a mismatch move
/// left only when the cell to the left is strictly larger than the cell above.
enum LongestCommonSubsequence {
    /// `(rows + 1) × (cols + 1)` table of LCS lengths of prefixes, row-major.
    private static func table(_ reference: [Int], _ candidate: [Int]) -> [Int] {
        let width = candidate.count + 1
        var table = [Int](repeating: 0, count: (reference.count + 1) * width)
        for i in stride(from: 1, through: reference.count, by: 1) {
            for j in stride(from: 1, through: candidate.count, by: 1) {
                table[i * width + j] = reference[i - 1] == candidate[j - 1]
                    ? table[(i - 1) * width + j - 1] + 1
                    : max(table[(i - 1) * width + j], table[i * width + j - 1])
            }
        }
        return table
    }

    /// The indices into `reference` of one longest common subsequence with `candidate`
    /// (`lcs_ind`), ascending.
    static func referenceIndices(_ reference: [Int], _ candidate: [Int]) -> [Int] {
        let table = table(reference, candidate)
        let width = candidate.count + 1
        var i = reference.count
        var j = candidate.count
        var indices: [Int] = []
        while i > 0, j > 0 {
            if reference[i - 1] == candidate[j - 1] {
                indices.append(i - 1)
                i -= 1
                j -= 1
            } else if table[i * width + j - 1] > table[(i - 1) * width + j] {
                j -= 1
            } else {
                i -= 1
            }
        }
        return indices.reversed()
    }

    /// Summary-level LCS hits (`_summary_level_lcs`): for each reference sentence, the union of
    /// its LCS with every candidate sentence; each token is counted at most as often as it
    /// occurs on both sides (rouge-score's guard against double counting).
    static func summaryHits(reference: [[Int]], candidate: [[Int]]) -> Int {
        var referenceCounts: [Int: Int] = [:]
        var candidateCounts: [Int: Int] = [:]
        for sentence in reference { for token in sentence { referenceCounts[token, default: 0] += 1 } }
        for sentence in candidate { for token in sentence { candidateCounts[token, default: 0] += 1 } }

        var hits = 0
        for sentence in reference {
            var union = Set<Int>()
            for other in candidate { union.formUnion(referenceIndices(sentence, other)) }
            for index in union.sorted() {
                let token = sentence[index]
                if let c = candidateCounts[token], c > 0, let r = referenceCounts[token], r > 0 {
                    hits += 1
                    candidateCounts[token] = c - 1
                    referenceCounts[token] = r - 1
                }
            }
        }
        return hits
    }
}
