/// Every item of a run: the question, its choices with scores (correct ones and the model's pick
/// marked) or the generated answer with its reference and the judges' verdicts, and the item's
/// metrics; a search box and a "wrong only" filter run in the page's script.
public struct ItemBrowserSection: ReportSection {
    public var snapshot: RunSnapshot
    public var id: String { "items-\(snapshot.run.id)" }
    public var title: String { "Run \(snapshot.run.id): items" }

    public init(_ snapshot: RunSnapshot) { self.snapshot = snapshot }

    public func html() -> String {
        let wrong = snapshot.items.filter(\.isWrong).count
        var out = "<div class=\"tk-browser\" data-run=\"\(snapshot.run.id)\">"
        out += "<div class=\"tk-controls\"><input type=\"search\" class=\"tk-search\" placeholder=\"Search questions, answers, categories\" aria-label=\"Search items\">"
        out += "<label><input type=\"checkbox\" class=\"tk-wrong-only\"> wrong only (\(wrong) of \(snapshot.items.count))</label>"
        out += "<span class=\"tk-shown\" data-total=\"\(snapshot.items.count)\">\(snapshot.items.count) shown</span></div>"
        out += "<ol class=\"tk-items\">"
        for item in snapshot.items { out += Self.render(item) }
        out += "</ol></div>"
        return out
    }

    static func render(_ item: ReportItem) -> String {
        var text = [item.question, item.category ?? "", item.type ?? "", item.answer ?? "", item.reference ?? ""]
        text += item.choices.map(\.text)
        var out = "<li class=\"tk-item\(item.isWrong ? " tk-wrong" : "")\" value=\"\(item.index)\" data-index=\"\(item.index)\" data-wrong=\"\(item.isWrong ? 1 : 0)\" data-search=\"\(HTML.escape(text.joined(separator: " ").lowercased()))\">"
        out += "<div class=\"tk-q\"><span class=\"tk-verdict\">\(item.isWrong ? "✗" : "✓")</span> \(HTML.escape(item.question))</div>"
        let tags = [item.type, item.category].compactMap { $0 }
        if !tags.isEmpty { out += "<div class=\"tk-tags\">\(tags.map { "<span class=\"tk-tag\">\(HTML.escape($0))</span>" }.joined())</div>" }
        if !item.choices.isEmpty {
            out += "<ul class=\"tk-choices\">"
            for choice in item.choices {
                let classes = ["tk-choice", choice.isCorrect ? "tk-correct" : "", choice.isPick ? "tk-pick" : ""].filter { !$0.isEmpty }.joined(separator: " ")
                let score = choice.score.map { "<span class=\"tk-score\">\(String(format: "%.3f", $0))</span>" } ?? ""
                let marks = (choice.isCorrect ? " <span class=\"tk-mark\">correct</span>" : "") + (choice.isPick ? " <span class=\"tk-mark\">model's pick</span>" : "")
                out += "<li class=\"\(classes)\">\(score)\(HTML.escape(choice.text))\(marks)</li>"
            }
            out += "</ul>"
        }
        if let answer = item.answer {
            out += "<div class=\"tk-answer\"><b>Answer:</b> \(HTML.escape(answer))</div>"
        }
        if let reference = item.reference {
            out += "<div class=\"tk-reference\"><b>Reference:</b> \(HTML.escape(reference))</div>"
        }
        for verdict in item.verdicts {
            let t = verdict.truthful.map { $0 ? "truthful" : "untruthful" } ?? "truthfulness unread"
            let i = verdict.informative.map { $0 ? "informative" : "uninformative" } ?? "informativeness unread"
            out += "<div class=\"tk-judge\"><b>Judge</b> \(HTML.escape(String(verdict.judge.prefix(24)))): \(t), \(i)</div>"
        }
        if !item.metrics.isEmpty {
            out += "<div class=\"tk-item-metrics\">" + item.metrics.keys.sorted().map { "\(HTML.escape($0))=\(String(format: "%.3f", item.metrics[$0]!))" }.joined(separator: " · ") + "</div>"
        }
        return out + "</li>"
    }
}
