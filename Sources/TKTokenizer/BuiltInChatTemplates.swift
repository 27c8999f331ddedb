/// Chat templates for families whose GGUF conversions often ship without `tokenizer.chat_template`.
///
/// Gemma's pretrained (non-instruct) checkpoints, such as the Gemma 3 270M the registry pulls,
/// carry no template, yet the family has one fixed turn format that its instruct models were
/// trained on; llama.cpp likewise recognises it by name. A template in the file always wins.
public enum BuiltInChatTemplates {
    /// Gemma 2/3's turn format, as in `google/gemma-3-270m-it`'s tokenizer_config.json (text
    /// only): a system message is folded into the first user turn, the assistant is `model`.
    public static let gemma = """
        {{ bos_token }}{% if messages[0]['role'] == 'system' %}{% set first_user_prefix = messages[0]['content'] + '\\n\\n' %}{% set loop_messages = messages[1:] %}{% else %}{% set first_user_prefix = '' %}{% set loop_messages = messages %}{% endif %}{% for message in loop_messages %}{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}{% endif %}{% if message['role'] == 'assistant' %}{% set role = 'model' %}{% else %}{% set role = message['role'] %}{% endif %}{{ '<start_of_turn>' + role + '\\n' + (first_user_prefix if loop.first else '') }}{{ message['content'] | trim }}{{ '<end_of_turn>\\n' }}{% endfor %}{% if add_generation_prompt %}{{ '<start_of_turn>model\\n' }}{% endif %}
        """

    /// The template for `general.architecture`, when the family has a fixed one.
    public static func template(forArchitecture architecture: String?) -> String? {
        switch architecture {
        case "gemma2", "gemma3": gemma
        default: nil
        }
    }
}
