/// HTML text building: escaping for text and attribute values, so no stored string (a question,
/// a generated answer, a model name) can open a tag or end an attribute.
public enum HTML {
    /// `&`, `<`, `>`, `"` and `'` as entities: safe in element text and in quoted attribute values.
    public static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for c in s {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(c)
            }
        }
        return out
    }

    /// A `<table>` with a header row; cells are escaped unless passed through `raw`.
    static func table(header: [String], rows: [[Cell]], cssClass: String = "tk-table") -> String {
        var out = "<table class=\"\(cssClass)\"><thead><tr>" + header.map { "<th>\(escape($0))</th>" }.joined() + "</tr></thead><tbody>"
        for row in rows {
            out += "<tr>" + row.map { "<td\($0.numeric ? " class=\"num\"" : "")>\($0.html)</td>" }.joined() + "</tr>"
        }
        return out + "</tbody></table>"
    }

    struct Cell {
        var html: String
        var numeric = false
        static func text(_ s: String) -> Cell { Cell(html: escape(s)) }
        static func number(_ s: String) -> Cell { Cell(html: escape(s), numeric: true) }
        static func raw(_ html: String) -> Cell { Cell(html: html) }
    }
}
