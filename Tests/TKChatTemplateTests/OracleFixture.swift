import Foundation
import Testing
@testable import TKChatTemplate

/// `Fixtures/chat_templates.json`, written by `scripts/verify/chat_templates.py`: each template
/// rendered by jinja2 through transformers' `render_jinja_template`, and feature snippets
/// rendered with transformers' compiled Jinja environment.
struct OracleFixture: Decodable {
    struct Template: Decodable {
        var name: String
        var source: String
        var cases: [Case]
    }

    struct Case: Decodable, CustomTestStringConvertible {
        var conversation: String
        var messages_json: String
        var add_generation_prompt: Bool
        var bos_token: String
        var eos_token: String
        var variables_json: String
        var output: String?
        var error: String?
        var error_type: String?

        var testDescription: String { "\(conversation) agp=\(add_generation_prompt) vars=\(variables_json)" }
    }

    struct Snippet: Decodable {
        var source: String
        var context_json: String
        var output: String?
        var error: String?
        var error_type: String?
    }

    struct Strftime: Decodable {
        var format: String
        var output: String
    }

    var jinja2: String
    var transformers: String
    var now: String
    var templates: [Template]
    var snippets: [Snippet]
    var strftime: [Strftime]

    static let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/chat_templates.json")

    static let shared: OracleFixture = {
        do {
            return try JSONDecoder().decode(OracleFixture.self, from: Data(contentsOf: url))
        } catch {
            // A missing or unreadable fixture must fail loudly, not skip.
            return OracleFixture(jinja2: "missing", transformers: "missing", now: "", templates: [], snippets: [],
                                 strftime: [])
        }
    }()

    static func template(_ name: String) -> Template? { shared.templates.first { $0.name == name } }

    /// The instant `strftime_now` saw when the fixture was written (a naive time, read as UTC).
    var fixedNow: Date {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate, .withTime, .withColonSeparatorInTime, .withDashSeparatorInDate]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.date(from: now) ?? Date(timeIntervalSince1970: 0)
    }
}

extension TemplateValue {
    /// The messages as `ChatMessage`s when each is exactly `{role, content}` strings.
    var plainMessages: [ChatMessage]? {
        guard case .array(let items) = self else { return nil }
        var messages: [ChatMessage] = []
        for item in items {
            guard case .dictionary(let d) = item, d.count == 2, case .string(let role)? = d["role"],
                  case .string(let content)? = d["content"] else { return nil }
            messages.append(ChatMessage(role: role, content: content))
        }
        return messages
    }

    var dictionaryEntries: [String: TemplateValue] {
        guard case .dictionary(let d) = self else { return [:] }
        var out: [String: TemplateValue] = [:]
        for (key, value) in d { out[key] = value }
        return out
    }
}
