import Testing
@testable import TKChatTemplate

/// Templates this renderer cannot handle fail with a typed error that points at the problem.
struct TemplateErrorTests {
    private func syntaxError(_ source: String) -> ChatTemplateError? {
        do {
            _ = try ChatTemplate(source: source)
            return nil
        } catch {
            return error as? ChatTemplateError
        }
    }

    @Test func unclosedExpressionPointsAtItsOpener() throws {
        let error = try #require(syntaxError("line one\n  ab {{ message['role'] "))
        #expect(error.kind == .syntax)
        #expect(error.line == 2)
        #expect(error.column == 6)
        #expect(error.message.contains("'}}'"))
    }

    @Test func unclosedBlockNamesTheBlockAndWhereItOpened() throws {
        let error = try #require(syntaxError("{% for m in messages %}\n{% if m %}x{% endfor %}"))
        #expect(error.kind == .syntax)
        #expect(error.line == 2)
        #expect(error.column == 12)
        #expect(error.message.contains("'endfor'") && error.message.contains("'if' from line 2, column 1"))
        let unclosed = try #require(syntaxError("ok\n\n   {% if true %}never closed"))
        #expect(unclosed.line == 3)
        #expect(unclosed.column == 4)
        #expect(unclosed.message.contains("'if'"))
        #expect(unclosed.message.contains("endif"))
    }

    @Test func unclosedCommentAndString() throws {
        let comment = try #require(syntaxError("a\n{# no end"))
        #expect(comment.line == 2 && comment.column == 1)
        let string = try #require(syntaxError("{{ 'abc }}"))
        #expect(string.line == 1 && string.column == 4)
        #expect(string.message.contains("unterminated string"))
    }

    @Test func unknownFilterFailsAtParseTimeWithItsPosition() throws {
        let error = try #require(syntaxError("{{ x }}\n{{ message['content'] | shout }}"))
        #expect(error.kind == .syntax)
        #expect(error.line == 2)
        #expect(error.column == 25)
        #expect(error.message.contains("no filter named 'shout'"))
        #expect(error.description.contains("line 2, column 25"))
    }

    @Test func unknownTestAndTagAreSyntaxErrors() throws {
        let test = try #require(syntaxError("{% if x is shiny %}{% endif %}"))
        #expect(test.message.contains("no test named 'shiny'"))
        let tag = try #require(syntaxError("{% include 'other.j2' %}"))
        #expect(tag.message.contains("unknown tag 'include'"))
        let stray = try #require(syntaxError("{% endif %}"))
        #expect(stray.message.contains("'endif'"))
        let loopControl = try #require(syntaxError("{% break %}"))
        #expect(loopControl.message.contains("inside a for loop"))
    }

    @Test func malformedExpressionsAreSyntaxErrors() {
        for source in ["{{ }}", "{{ 1 + }}", "{{ a[ ] }}", "{{ a. }}", "{% set = 1 %}", "{{ (1, 2 }}", "{{ ) }}",
                       "{% for in x %}{% endfor %}", "{{ 'a' | }}", "{{ x is }}", "{{ @ }}", "{{ f(a=1, 2) }}",
                       "{% if %}{% endif %}", "{{ {1: } }}", "{% set true = 1 %}", "{{ '\\x4' }}"] {
            let error = syntaxError(source)
            #expect(error?.kind == .syntax, "\(source) should be a syntax error")
            #expect((error?.line ?? 0) >= 1, "\(source)")
        }
    }

    @Test func raiseExceptionCarriesTheTemplatesMessage() throws {
        let template = try ChatTemplate(source: """
            {% for message in messages %}
            {% if message['role'] == 'system' %}
                {{ raise_exception('System role not supported') }}
            {% endif %}
            {% endfor %}
            """)
        #expect(throws: ChatTemplateError(kind: .raised, message: "System role not supported", line: 3, column: 8)) {
            try template.render(messages: [ChatMessage(role: "system", content: "x")], addGenerationPrompt: false)
        }
        #expect(try template.render(messages: [ChatMessage(role: "user", content: "x")], addGenerationPrompt: false) == "")
    }

    @Test func renderErrorsHaveLocationsAndNeverCrash() throws {
        let cases: [(String, String)] = [
            ("{{ 'a' + 1 }}", "unsupported operand"),
            ("\n  {{ undefined_thing + 1 }}", "'undefined_thing' is undefined"),
            ("{{ 1 // 0 }}", "by zero"),
            ("{{ 9223372036854775807 + 1 }}", "overflow"),
            ("{{ -9223372036854775807 - 2 }}", "overflow"),
            ("{{ 2 ** 64 }}", "overflow"),
            ("{% for x in 3 %}{% endfor %}", "not iterable"),
            ("{{ nothing() }}", "'nothing' is undefined"),
            ("{{ 'abc'.zap() }}", "has no attribute 'zap'"),
            ("{% set x = 1 %}{% set x.y = 2 %}", "namespace"),
            ("{% for a, b in [[1, 2, 3]] %}{% endfor %}", "too many values"),
            ("{{ range(10000000) }}", "100000"),
            ("{{ undefined_value | tojson }}", "not JSON serializable"),
            ("{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}", "recursed"),
            ("{{ 'x' * 100000000 }}", "too large"),
            ("{{ [1][::0] }}", "step cannot be zero"),
        ]
        for (source, fragment) in cases {
            let template = try ChatTemplate(source: source)
            do {
                let text = try template.render(context: [:])
                Issue.record("\(source) rendered \(text.debugDescription) instead of failing")
            } catch let error as ChatTemplateError {
                #expect(error.kind == .render, "\(source)")
                #expect(error.message.contains(fragment), "\(source): \(error.message)")
                #expect(error.line >= 1 && error.column >= 1, "\(source)")
            }
        }
    }

    @Test func attributesOfUndefinedAreUndefined() throws {
        let template = try ChatTemplate(source: "[{{ nope.deeper.still }}]{{ nope.x is defined }}{{ messages[5].role is defined }}")
        #expect(try template.render(messages: [], addGenerationPrompt: false) == "[]FalseFalse")
    }
}
