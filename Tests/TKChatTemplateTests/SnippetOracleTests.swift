import Foundation
import Testing
@testable import TKChatTemplate

/// One Jinja construct per snippet (whitespace control, scoping, operators, filters, tests,
/// methods), each compared with jinja2 in transformers' environment.
struct SnippetOracleTests {
    static let indices = Array(OracleFixture.shared.snippets.indices)

    @Test func fixtureHasSnippets() {
        #expect(OracleFixture.shared.snippets.count >= 80)
    }

    @Test(arguments: indices)
    func snippetMatchesJinja2(_ index: Int) throws {
        let snippet = OracleFixture.shared.snippets[index]
        let context = try TemplateValue(json: snippet.context_json).dictionaryEntries
        let result = Result {
            try ChatTemplate(source: snippet.source).render(context: context, now: OracleFixture.shared.fixedNow,
                                                            timeZone: TimeZone(identifier: "UTC")!)
        }
        switch result {
        case .success(let text):
            #expect(snippet.output == text, "source: \(snippet.source.debugDescription); jinja2 error: \(snippet.error ?? "-")")
        case .failure(let error):
            #expect(snippet.output == nil, "source: \(snippet.source.debugDescription) threw \(error)")
            let failure = try #require(error as? ChatTemplateError, "errors must be ChatTemplateError, got \(error)")
            if snippet.error_type == "TemplateError" {
                // raise_exception: the template's own message, unchanged.
                #expect(failure.kind == .raised)
                #expect(failure.message == snippet.error)
            } else {
                #expect(failure.kind != .raised)
                #expect(failure.line >= 1 && failure.column >= 1, "\(failure)")
            }
        }
    }

    @Test func strftimeMatchesPython() {
        let now = OracleFixture.shared.fixedNow
        #expect(!OracleFixture.shared.strftime.isEmpty)
        for item in OracleFixture.shared.strftime {
            #expect(Python.strftime(item.format, date: now, timeZone: TimeZone(identifier: "UTC")!) == item.output,
                    "format \(item.format)")
        }
    }
}
