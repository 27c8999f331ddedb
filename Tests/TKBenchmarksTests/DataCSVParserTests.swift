import Testing
@testable import TKBenchmarks

/// The RFC 4180 reader, on hand-written text and on the three official files.
@Suite struct DataCSVParserTests {
    private func parse(_ text: String) throws -> [CSVRecord] {
        try CSVParser.parse(Array(text.utf8), file: "test.csv")
    }

    @Test func quotedFieldsKeepCommasAndDoubledQuotes() throws {
        let records = try parse("a,b\n\"x, y\",\"say \"\"hi\"\"\"\n")
        #expect(records == [
            CSVRecord(fields: ["a", "b"], line: 1),
            CSVRecord(fields: ["x, y", "say \"hi\""], line: 2),
        ])
    }

    @Test func lineBreaksInsideQuotesAreKeptAndCountedForLaterLines() throws {
        let records = try parse("h1,h2\n\"one\ntwo\r\nthree\",x\nnext,row\n")
        #expect(records[1].fields == ["one\ntwo\r\nthree", "x"])
        #expect(records[1].line == 2)
        #expect(records[2].line == 5)
    }

    @Test func crlfLoneCRBOMAndMissingFinalNewline() throws {
        let records = try CSVParser.parse([0xEF, 0xBB, 0xBF] + Array("a,b\r\n1,2\r3,4".utf8), file: "t.csv")
        #expect(records.map(\.fields) == [["a", "b"], ["1", "2"], ["3", "4"]])
        #expect(records.map(\.line) == [1, 2, 3])
    }

    @Test func emptyLinesAreSkippedAndTrailingCommaGivesEmptyField() throws {
        let records = try parse("a,b\n\n1,\n\n")
        #expect(records.map(\.fields) == [["a", "b"], ["1", ""]])
        #expect(records.map(\.line) == [1, 3])
    }

    @Test func quoteInsideUnquotedFieldIsLiteral() throws {
        #expect(try parse("5\" tall,x\n")[0].fields == ["5\" tall", "x"])
    }

    @Test func unterminatedQuoteNamesTheLineItOpensOn() throws {
        let error = try #require(throws: DatasetError.self) { try parse("a,b\n1,2\n3,\"never closed\n4,5\n") }
        #expect(error.code == .malformedCSV)
        #expect(error.line == 3)
        #expect(error.file == "test.csv")
        #expect(error.message.contains("never closes"))
    }

    @Test func textAfterClosingQuoteIsAnError() throws {
        let error = try #require(throws: DatasetError.self) { try parse("a,b\n\"x\"y,2\n") }
        #expect(error.code == .malformedCSV)
        #expect(error.line == 2)
        #expect(error.message.contains("after its closing quote"))
    }

    @Test func invalidUTF8IsAnErrorNotACrash() throws {
        let error = try #require(throws: DatasetError.self) {
            try CSVParser.parse(Array("a,b\n1,".utf8) + [0xFF, 0xFE] + Array("\n".utf8), file: "bad.csv")
        }
        #expect(error.code == .unreadableFile)
        #expect(error.line == 2)
    }

    @Test(arguments: [("TruthfulQA_v0_2021-09.csv", 817), ("TruthfulQA_v1_2021-10.csv", 817), ("TruthfulQA.csv", 790)])
    func officialFilesParseIntoRowsOfHeaderWidth(name: String, rows: Int) throws {
        let records = try CSVParser.parse(try DataTestSupport.bytes(name), file: name)
        #expect(records.count == rows + 1)
        #expect(records[0].fields.first == "Type")
        #expect(records.allSatisfy { $0.fields.count == records[0].fields.count })
    }
}
