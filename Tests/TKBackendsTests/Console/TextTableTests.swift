import Testing
import TKConsole

@Suite struct TextTableTests {
    @Test func alignsColumnsAndRulesTheHeader() {
        var table = TextTable(columns: [.init("NAME"), .init("SIZE", alignment: .right), .init("PATH")])
        table.addRow("smollm2-135m-instruct", "93.8 MiB", "/c/models/a.gguf")
        table.addRow("b", "12 B", "")
        #expect(table.render() == """
            NAME                       SIZE  PATH
            ---------------------  --------  ----------------
            smollm2-135m-instruct  93.8 MiB  /c/models/a.gguf
            b                          12 B
            """)
    }

    @Test func raggedRowsArePaddedOrCut() {
        var table = TextTable("A", "B")
        table.addRow(["1"])
        table.addRow(["1", "2", "3"])
        #expect(table.rows == [["1", ""], ["1", "2"]])
        #expect(table.render(separator: " | ") == "A | B\n- | -\n1 |\n1 | 2")
    }
}
