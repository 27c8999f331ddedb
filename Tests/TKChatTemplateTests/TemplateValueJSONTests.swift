import Testing
@testable import TKChatTemplate

/// `TemplateValue(json:)` keeps key order and the int/float distinction that `tojson` reproduces.
struct TemplateValueJSONTests {
    @Test func keepsKeyOrderAndNumberKinds() throws {
        let value = try TemplateValue(json: #"{"z": 1, "a": 1.0, "m": [true, null, "x\u00e9\n", -2.5e3], "e": {}}"#)
        guard case .dictionary(let d) = value else {
            Issue.record("expected an object")
            return
        }
        #expect(d.keys == ["z", "a", "m", "e"])
        #expect(d["z"] == .int(1))
        #expect(d["a"] == .double(1.0))
        #expect(d["m"] == .array([.bool(true), .none, .string("xé\n"), .double(-2500)]))
        #expect(d["e"] == .dictionary([:]))
    }

    @Test func roundTripsThroughTojson() throws {
        let text = #"{"name": "f", "parameters": {"type": "object", "required": ["b", "a"], "x": 1.5, "n": 3}}"#
        let template = try ChatTemplate(source: "{{ tool | tojson }}")
        #expect(try template.render(context: ["tool": try TemplateValue(json: text)]) == text)
    }

    @Test func jsonStringMatchesTojson() throws {
        let text = #"{"b": [1, 2.5, null, true, "é\n"], "a": {}}"#
        let value = try TemplateValue(json: text)
        #expect(value.jsonString() == text)
        #expect(value.jsonString(indent: 2) == "{\n  \"b\": [\n    1,\n    2.5,\n    null,\n    true,\n    \"é\\n\"\n  ],\n  \"a\": {}\n}")
    }

    @Test func surrogatePairsDecode() throws {
        #expect(try TemplateValue(json: #""\ud83d\ude00""#) == .string("😀"))
    }

    @Test func invalidJSONThrowsWithPosition() {
        for text in ["", "{", "[1,]", "{\"a\" 1}", "tru", "\"abc", "01x", "{\"a\": 1} extra", "[\"\\q\"]"] {
            do {
                _ = try TemplateValue(json: text)
                Issue.record("\(text.debugDescription) parsed")
            } catch let error as ChatTemplateError {
                #expect(error.kind == .syntax)
                #expect(error.message.hasPrefix("invalid JSON"))
            } catch {
                Issue.record("unexpected error type \(error)")
            }
        }
        let deep = String(repeating: "[", count: 600) + String(repeating: "]", count: 600)
        #expect(throws: ChatTemplateError.self) { try TemplateValue(json: deep) }
    }

    @Test func literalsBuildValues() {
        let value: TemplateValue = ["role": "user", "n": 1, "ok": true, "list": [1.5, nil]]
        guard case .dictionary(let d) = value else { return }
        #expect(d.keys == ["role", "n", "ok", "list"])
        #expect(d["list"] == .array([.double(1.5), .none]))
    }
}
