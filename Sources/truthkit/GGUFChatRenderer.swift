import Crypto
import Foundation
import TKBenchmarks
import TKChatTemplate
import TKTokenizer

/// The chat template stored in a GGUF file (`tokenizer.chat_template`), as a `ChatRenderer` for
/// the `chat-template` preset. Nil-returning init: a model without a template has no renderer.
struct GGUFChatRenderer: ChatRenderer {
    let template: ChatTemplate
    let bosToken: String
    let eosToken: String
    let templateID: String

    init?(tokenizer: Tokenizer) throws {
        guard let source = tokenizer.chatTemplate, !source.isEmpty else { return nil }
        template = try ChatTemplate(source: source)
        bosToken = tokenizer.bosID.map { tokenizer.tokenText($0) } ?? ""
        eosToken = tokenizer.eosID.map { tokenizer.tokenText($0) } ?? ""
        templateID = "sha256:" + SHA256.hash(data: Data(source.utf8)).prefix(8).map { String(format: "%02x", $0) }.joined()
    }

    func render(messages: [(role: String, content: String)], addGenerationPrompt: Bool) throws -> String {
        try template.render(messages: messages.map { ChatMessage(role: $0.role, content: $0.content) },
                            addGenerationPrompt: addGenerationPrompt, bosToken: bosToken, eosToken: eosToken)
    }
}
