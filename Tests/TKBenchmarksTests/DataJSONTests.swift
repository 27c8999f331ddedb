import Testing
@testable import TKBenchmarks

/// The order-keeping JSON parser and the writer that must match Python's `json.dumps`.
@Suite struct DataJSONTests {
    private func parse(_ text: String) throws -> JSONValue {
        try JSONParser.parse(Array(text.utf8))
    }

    @Test func keepsKeyOrderDuplicatesAndNumberText() throws {
        let value = try parse(#"{"b": 1, "a": -2.50e3, "b": 0}"#)
        guard case .object(let members) = value else { Issue.record("not an object"); return }
        #expect(members.map(\.key) == ["b", "a", "b"])
        #expect(value["a"] == .number("-2.50e3"))
        // Python's json.load keeps the last value of a repeated key.
        #expect(value["b"] == .number("0"))
    }

    @Test func writesLikePythonJSONDumps() throws {
        let value = try parse(#"{"q": "caf\u00e9 \"x\"\n\t/", "l": [1, true, null, false], "e": {}, "z": []}"#)
        // json.dumps(..., ensure_ascii=False) and json.dumps(...) in Python 3.
        #expect(String(decoding: value.pythonJSON(), as: UTF8.self)
            == #"{"q": "café \"x\"\n\t/", "l": [1, true, null, false], "e": {}, "z": []}"#)
        #expect(String(decoding: value.pythonJSON(asciiOnly: true), as: UTF8.self)
            == #"{"q": "caf\u00e9 \"x\"\n\t/", "l": [1, true, null, false], "e": {}, "z": []}"#)
    }

    @Test func surrogatePairsDecodeAndEncode() throws {
        let value = try parse(#""\ud83d\ude00 \u0001""#)
        #expect(value == .string("😀 \u{01}"))
        #expect(String(decoding: value.pythonJSON(asciiOnly: true), as: UTF8.self) == #""\ud83d\ude00 \u0001""#)
        #expect(String(decoding: value.pythonJSON(), as: UTF8.self) == "\"😀 \\u0001\"")
    }

    @Test(arguments: [
        (#"{"a": 1} x"#, "after the JSON value"),
        (#"{"a": "open"#, "never closes"),
        (#"{"a": "\q"}"#, "not a JSON escape"),
        (#"{"a" 1}"#, "expected ':'"),
        ("[1, 2", "missing ']'"),
        ("{\"a\": \"tab\there\"}", "control character"),
        ("01", "after the JSON value"),
        ("tru", "expected true"),
    ])
    func malformedTextThrowsWithAReason(text: String, reason: String) throws {
        let error = try #require(throws: JSONSyntaxError.self) { try parse(text) }
        #expect(error.message.contains(reason), "\(error.message)")
    }

    @Test func deepNestingIsAnErrorNotAStackOverflow() throws {
        let text = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        let error = try #require(throws: JSONSyntaxError.self) { try parse(text) }
        #expect(error.message.contains("nesting"))
    }

    /// Every line of every shared JSONL file comes back byte for byte from parse + write: the
    /// writer is what makes converted downloads hash to the pinned SHA-256.
    @Test(arguments: ["mc_en.jsonl", "mc_en_multi.jsonl", "mc_es.jsonl", "mc_ca.jsonl", "mc_eu.jsonl", "mc_gl.jsonl", "fewshot_multi.jsonl"])
    func sharedJSONLLinesRoundTripExactly(name: String) throws {
        let lines = try DataTestSupport.bytes(name).split(separator: UInt8(ascii: "\n"))
        var mismatches = 0
        for line in lines where try JSONParser.parse(Array(line)).pythonJSON() != Array(line) {
            mismatches += 1
        }
        #expect(mismatches == 0)
        #expect(lines.count == (name == "fewshot_multi.jsonl" ? 30 : 817))
    }
}
