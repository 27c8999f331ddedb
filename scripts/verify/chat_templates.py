#!/usr/bin/env python3
"""Oracle fixtures for TKChatTemplate: real chat templates rendered by jinja2 exactly as
transformers' `apply_chat_template(tokenize=False)` renders them.

Rendering goes through transformers' own `render_jinja_template` (the function behind
`apply_chat_template`), so the environment is the real one: ImmutableSandboxedEnvironment with
trim_blocks/lstrip_blocks, loop controls, `raise_exception`, `strftime_now`, `namespace`, `dict`,
and transformers' `tojson`. Feature snippets use the same compiled environment directly.

Usage (needs jinja2 and transformers; no network):
    /work/peers-venv/bin/python scripts/verify/chat_templates.py [--gguf MODEL.gguf] [--out FILE]

Writes Tests/TKChatTemplateTests/Fixtures/chat_templates.json. Values that the Swift side must
read with key order and int/float kept apart (messages, variables, snippet contexts) are stored
as JSON text, parsed on the Swift side by `TemplateValue(json:)`.
"""
import argparse
import datetime as _dt
import json
import os
import sys

import jinja2
import transformers
from transformers.utils import chat_template_utils as ctu

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEFAULT_OUT = os.path.join(ROOT, "Tests", "TKChatTemplateTests", "Fixtures", "chat_templates.json")
DEFAULT_GGUF = os.path.expanduser("~/.cache/truthkit/models/SmolLM2-135M-Instruct.Q4_1.gguf")

# The moment `strftime_now` sees while rendering fixtures (naive, read as UTC on the Swift side).
FIXED_NOW = _dt.datetime(2025, 3, 9, 8, 7, 6)


class _FixedDatetime(_dt.datetime):
    @classmethod
    def now(cls, tz=None):
        return FIXED_NOW


# transformers' strftime_now calls the module-global `datetime.now()` at render time.
ctu.datetime = _FixedDatetime

# ---------------------------------------------------------------------------------------------
# Templates. SmolLM2's is the one in the default model's GGUF (checked below when the file is
# present); ChatML, Mistral/Mixtral instruct and Llama 3 are the sources llama-cpp-python ships
# (llama_chat_format.py, taken from the models' tokenizer_config.json); the others are written
# out from the models' tokenizer_config.json files.
# ---------------------------------------------------------------------------------------------

SMOLLM2 = "{% for message in messages %}{% if loop.first and messages[0]['role'] != 'system' %}{{ '<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>\n' }}{% endif %}{{'<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}"

CHATML = "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}"

QWEN2 = "{% for message in messages %}{% if loop.first and messages[0]['role'] != 'system' %}{{ '<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n' }}{% endif %}{{'<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}"

QWEN25 = """{%- if tools %}
    {{- '<|im_start|>system\\n' }}
    {%- if messages[0]['role'] == 'system' %}
        {{- messages[0]['content'] }}
    {%- else %}
        {{- 'You are Qwen, created by Alibaba Cloud. You are a helpful assistant.' }}
    {%- endif %}
    {{- "\\n\\n# Tools\\n\\nYou may call one or more functions to assist with the user query.\\n\\nYou are provided with function signatures within <tools></tools> XML tags:\\n<tools>" }}
    {%- for tool in tools %}
        {{- "\\n" }}
        {{- tool | tojson }}
    {%- endfor %}
    {{- "\\n</tools>\\n\\nFor each function call, return a json object with function name and arguments within <tool_call></tool_call> XML tags:\\n<tool_call>\\n{\\"name\\": <function-name>, \\"arguments\\": <args-json-object>}\\n</tool_call><|im_end|>\\n" }}
{%- else %}
    {%- if messages[0]['role'] == 'system' %}
        {{- '<|im_start|>system\\n' + messages[0]['content'] + '<|im_end|>\\n' }}
    {%- else %}
        {{- '<|im_start|>system\\nYou are Qwen, created by Alibaba Cloud. You are a helpful assistant.<|im_end|>\\n' }}
    {%- endif %}
{%- endif %}
{%- for message in messages %}
    {%- if (message.role == "user") or (message.role == "system" and not loop.first) or (message.role == "assistant" and not message.tool_calls) %}
        {{- '<|im_start|>' + message.role + '\\n' + message.content + '<|im_end|>' + '\\n' }}
    {%- elif message.role == "assistant" %}
        {{- '<|im_start|>' + message.role }}
        {%- if message.content %}
            {{- '\\n' + message.content }}
        {%- endif %}
        {%- for tool_call in message.tool_calls %}
            {%- if tool_call.function is defined %}
                {%- set tool_call = tool_call.function %}
            {%- endif %}
            {{- '\\n<tool_call>\\n{"name": "' }}
            {{- tool_call.name }}
            {{- '", "arguments": ' }}
            {{- tool_call.arguments | tojson }}
            {{- '}\\n</tool_call>' }}
        {%- endfor %}
        {{- '<|im_end|>\\n' }}
    {%- elif message.role == "tool" %}
        {%- if (loop.index0 == 0) or (messages[loop.index0 - 1].role != "tool") %}
            {{- '<|im_start|>user' }}
        {%- endif %}
        {{- '\\n<tool_response>\\n' }}
        {{- message.content }}
        {{- '\\n</tool_response>' }}
        {%- if loop.last or (messages[loop.index0 + 1].role != "tool") %}
            {{- '<|im_end|>\\n' }}
        {%- endif %}
    {%- endif %}
{%- endfor %}
{%- if add_generation_prompt %}
    {{- '<|im_start|>assistant\\n' }}
{%- endif %}
"""

QWEN3 = """{%- if tools %}
    {{- '<|im_start|>system\\n' }}
    {%- if messages[0].role == 'system' %}
        {{- messages[0].content + '\\n\\n' }}
    {%- endif %}
    {{- "# Tools\\n\\nYou may call one or more functions to assist with the user query.\\n\\nYou are provided with function signatures within <tools></tools> XML tags:\\n<tools>" }}
    {%- for tool in tools %}
        {{- "\\n" }}
        {{- tool | tojson }}
    {%- endfor %}
    {{- "\\n</tools>\\n\\nFor each function call, return a json object with function name and arguments within <tool_call></tool_call> XML tags:\\n<tool_call>\\n{\\"name\\": <function-name>, \\"arguments\\": <args-json-object>}\\n</tool_call><|im_end|>\\n" }}
{%- else %}
    {%- if messages[0].role == 'system' %}
        {{- '<|im_start|>system\\n' + messages[0].content + '<|im_end|>\\n' }}
    {%- endif %}
{%- endif %}
{%- set ns = namespace(multi_step_tool=true, last_query_index=messages|length - 1) %}
{%- for message in messages[::-1] %}
    {%- set index = (messages|length - 1) - loop.index0 %}
    {%- if ns.multi_step_tool and message.role == "user" and message.content is string and not(message.content.startswith('<tool_response>') and message.content.endswith('</tool_response>')) %}
        {%- set ns.multi_step_tool = false %}
        {%- set ns.last_query_index = index %}
    {%- endif %}
{%- endfor %}
{%- for message in messages %}
    {%- if message.content is string %}
        {%- set content = message.content %}
    {%- else %}
        {%- set content = '' %}
    {%- endif %}
    {%- if (message.role == "user") or (message.role == "system" and not loop.first) %}
        {{- '<|im_start|>' + message.role + '\\n' + content + '<|im_end|>' + '\\n' }}
    {%- elif message.role == "assistant" %}
        {%- set reasoning_content = '' %}
        {%- if message.reasoning_content is string %}
            {%- set reasoning_content = message.reasoning_content %}
        {%- else %}
            {%- if '</think>' in content %}
                {%- set reasoning_content = content.split('</think>')[0].rstrip('\\n').split('<think>')[-1].lstrip('\\n') %}
                {%- set content = content.split('</think>')[-1].lstrip('\\n') %}
            {%- endif %}
        {%- endif %}
        {%- if loop.index0 > ns.last_query_index %}
            {%- if loop.last or (not loop.last and reasoning_content) %}
                {{- '<|im_start|>' + message.role + '\\n<think>\\n' + reasoning_content.strip('\\n') + '\\n</think>\\n\\n' + content.lstrip('\\n') }}
            {%- else %}
                {{- '<|im_start|>' + message.role + '\\n' + content }}
            {%- endif %}
        {%- else %}
            {{- '<|im_start|>' + message.role + '\\n' + content }}
        {%- endif %}
        {%- if message.tool_calls %}
            {%- for tool_call in message.tool_calls %}
                {%- if (loop.first and content) or (not loop.first) %}
                    {{- '\\n' }}
                {%- endif %}
                {%- if tool_call.function %}
                    {%- set tool_call = tool_call.function %}
                {%- endif %}
                {{- '<tool_call>\\n{"name": "' }}
                {{- tool_call.name }}
                {{- '", "arguments": ' }}
                {%- if tool_call.arguments is string %}
                    {{- tool_call.arguments }}
                {%- else %}
                    {{- tool_call.arguments | tojson }}
                {%- endif %}
                {{- '}\\n</tool_call>' }}
            {%- endfor %}
        {%- endif %}
        {{- '<|im_end|>\\n' }}
    {%- elif message.role == "tool" %}
        {%- if loop.first or (messages[loop.index0 - 1].role != "tool") %}
            {{- '<|im_start|>user' }}
        {%- endif %}
        {{- '\\n<tool_response>\\n' }}
        {{- content }}
        {{- '\\n</tool_response>' }}
        {%- if loop.last or (messages[loop.index0 + 1].role != "tool") %}
            {{- '<|im_end|>\\n' }}
        {%- endif %}
    {%- endif %}
{%- endfor %}
{%- if add_generation_prompt %}
    {{- '<|im_start|>assistant\\n' }}
    {%- if enable_thinking is defined and enable_thinking is false %}
        {{- '<think>\\n\\n</think>\\n\\n' }}
    {%- endif %}
{%- endif %}"""

LLAMA2 = r"""{% if messages[0]['role'] == 'system' %}{% set loop_messages = messages[1:] %}{% set system_message = messages[0]['content'] %}{% else %}{% set loop_messages = messages %}{% set system_message = false %}{% endif %}{% for message in loop_messages %}{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}{% endif %}{% if loop.index0 == 0 and system_message != false %}{% set content = '<<SYS>>\n' + system_message + '\n<</SYS>>\n\n' + message['content'] %}{% else %}{% set content = message['content'] %}{% endif %}{% if message['role'] == 'user' %}{{ bos_token + '[INST] ' + content.strip() + ' [/INST]' }}{% elif message['role'] == 'assistant' %}{{ ' '  + content.strip() + ' ' + eos_token }}{% endif %}{% endfor %}"""

LLAMA3 = "{% set loop_messages = messages %}{% for message in loop_messages %}{% set content = '<|start_header_id|>' + message['role'] + '<|end_header_id|>\n\n'+ message['content'] | trim + '<|eot_id|>' %}{% if loop.index0 == 0 %}{% set content = bos_token + content %}{% endif %}{{ content }}{% endfor %}{% if add_generation_prompt %}{{ '<|start_header_id|>assistant<|end_header_id|>\n\n' }}{% endif %}"

_LLAMA31_BODY = """{#- This block extracts the system message, so we can slot it into the right place. #}
{%- if messages[0]['role'] == 'system' %}
    {%- set system_message = messages[0]['content']|trim %}
    {%- set messages = messages[1:] %}
{%- else %}
    {%- set system_message = "" %}
{%- endif %}

{#- System message + builtin tools #}
{{- "<|start_header_id|>system<|end_header_id|>\\n\\n" }}
{%- if builtin_tools is defined or tools is not none %}
    {{- "Environment: ipython\\n" }}
{%- endif %}
{%- if builtin_tools is defined %}
    {{- "Tools: " + builtin_tools | reject('equalto', 'code_interpreter') | join(", ") + "\\n\\n"}}
{%- endif %}
{{- "Cutting Knowledge Date: December 2023\\n" }}
{{- "Today Date: " + date_string + "\\n\\n" }}
{%- if tools is not none and not tools_in_user_message %}
    {{- "You have access to the following functions. To call a function, please respond with JSON for a function call." }}
    {{- 'Respond in the format {"name": function name, "parameters": dictionary of argument name and its value}.' }}
    {{- "Do not use variables.\\n\\n" }}
    {%- for t in tools %}
        {{- t | tojson(indent=4) }}
        {{- "\\n\\n" }}
    {%- endfor %}
{%- endif %}
{{- system_message }}
{{- "<|eot_id|>" }}

{#- Custom tools are passed in a user message with some extra guidance #}
{%- if tools_in_user_message and not tools is none %}
    {#- Extract the first user message so we can plug it in here #}
    {%- if messages | length != 0 %}
        {%- set first_user_message = messages[0]['content']|trim %}
        {%- set messages = messages[1:] %}
    {%- else %}
        {{- raise_exception("Cannot put tools in the first user message when there's no first user message!") }}
{%- endif %}
    {{- '<|start_header_id|>user<|end_header_id|>\\n\\n' -}}
    {{- "Given the following functions, please respond with a JSON for a function call " }}
    {{- "with its proper arguments that best answers the given prompt.\\n\\n" }}
    {{- 'Respond in the format {"name": function name, "parameters": dictionary of argument name and its value}.' }}
    {{- "Do not use variables.\\n\\n" }}
    {%- for t in tools %}
        {{- t | tojson(indent=4) }}
        {{- "\\n\\n" }}
    {%- endfor %}
    {{- first_user_message + "<|eot_id|>"}}
{%- endif %}

{%- for message in messages %}
    {%- if not (message.role == 'ipython' or message.role == 'tool' or 'tool_calls' in message) %}
        {{- '<|start_header_id|>' + message['role'] + '<|end_header_id|>\\n\\n'+ message['content'] | trim + '<|eot_id|>' }}
    {%- elif 'tool_calls' in message %}
        {%- if not message.tool_calls|length == 1 %}
            {{- raise_exception("This model only supports single tool-calls at once!") }}
        {%- endif %}
        {%- set tool_call = message.tool_calls[0].function %}
        {%- if builtin_tools is defined and tool_call.name in builtin_tools %}
            {{- '<|start_header_id|>assistant<|end_header_id|>\\n\\n' -}}
            {{- "<|python_tag|>" + tool_call.name + ".call(" }}
            {%- for arg_name, arg_val in tool_call.arguments | items %}
                {{- arg_name + '="' + arg_val + '"' }}
                {%- if not loop.last %}
                    {{- ", " }}
                {%- endif %}
                {%- endfor %}
            {{- ")" }}
        {%- else  %}
            {{- '<|start_header_id|>assistant<|end_header_id|>\\n\\n' -}}
            {{- '{"name": "' + tool_call.name + '", ' }}
            {{- '"parameters": ' }}
            {{- tool_call.arguments | tojson }}
            {{- "}" }}
        {%- endif %}
        {%- if builtin_tools is defined %}
            {#- This means we're in ipython mode #}
            {{- "<|eom_id|>" }}
        {%- else %}
            {{- "<|eot_id|>" }}
        {%- endif %}
    {%- elif message.role == "tool" or message.role == "ipython" %}
        {{- "<|start_header_id|>ipython<|end_header_id|>\\n\\n" }}
        {%- if message.content is mapping or message.content is iterable %}
            {{- message.content | tojson }}
        {%- else %}
            {{- message.content }}
        {%- endif %}
        {{- "<|eot_id|>" }}
    {%- endif %}
{%- endfor %}
{%- if add_generation_prompt %}
    {{- '<|start_header_id|>assistant<|end_header_id|>\\n\\n' }}
{%- endif %}
"""

LLAMA31 = """{{- bos_token }}
{%- if custom_tools is defined %}
    {%- set tools = custom_tools %}
{%- endif %}
{%- if not tools_in_user_message is defined %}
    {%- set tools_in_user_message = true %}
{%- endif %}
{%- if not date_string is defined %}
    {%- set date_string = "26 Jul 2024" %}
{%- endif %}
{%- if not tools is defined %}
    {%- set tools = none %}
{%- endif %}

""" + _LLAMA31_BODY

LLAMA32 = """{{- bos_token }}
{%- if custom_tools is defined %}
    {%- set tools = custom_tools %}
{%- endif %}
{%- if not tools_in_user_message is defined %}
    {%- set tools_in_user_message = true %}
{%- endif %}
{%- if not date_string is defined %}
    {%- if strftime_now is defined %}
        {%- set date_string = strftime_now("%d %b %Y") %}
    {%- else %}
        {%- set date_string = "26 Jul 2024" %}
    {%- endif %}
{%- endif %}
{%- if not tools is defined %}
    {%- set tools = none %}
{%- endif %}

""" + _LLAMA31_BODY

MISTRAL_INSTRUCT = "{{ bos_token }}{% for message in messages %}{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}{% endif %}{% if message['role'] == 'user' %}{{ '[INST] ' + message['content'] + ' [/INST]' }}{% elif message['role'] == 'assistant' %}{{ message['content'] + eos_token + ' ' }}{% else %}{{ raise_exception('Only user and assistant roles are supported!') }}{% endif %}{% endfor %}"

MIXTRAL_INSTRUCT = "{{ bos_token }}{% for message in messages %}{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}{% endif %}{% if message['role'] == 'user' %}{{ '[INST] ' + message['content'] + ' [/INST]' }}{% elif message['role'] == 'assistant' %}{{ message['content'] + eos_token}}{% else %}{{ raise_exception('Only user and assistant roles are supported!') }}{% endif %}{% endfor %}"

MISTRAL_V03 = """{%- if messages[0]["role"] == "system" %}
    {%- set system_message = messages[0]["content"] %}
    {%- set loop_messages = messages[1:] %}
{%- else %}
    {%- set loop_messages = messages %}
{%- endif %}
{%- if not tools is defined %}
    {%- set tools = none %}
{%- endif %}
{%- set user_messages = loop_messages | selectattr("role", "equalto", "user") | list %}

{#- This block checks for alternating user/assistant messages, skipping tool calling messages #}
{%- set ns = namespace() %}
{%- set ns.index = 0 %}
{%- for message in loop_messages %}
    {%- if not (message.role == "tool" or message.role == "tool_results" or (message.tool_calls is defined and message.tool_calls is not none)) %}
        {%- if (message["role"] == "user") != (ns.index % 2 == 0) %}
            {{- raise_exception("After the optional system message, conversation roles must alternate user/assistant/user/assistant/...") }}
        {%- endif %}
        {%- set ns.index = ns.index + 1 %}
    {%- endif %}
{%- endfor %}

{{- bos_token }}
{%- for message in loop_messages %}
    {%- if message["role"] == "user" %}
        {%- if tools is not none and (message == user_messages[-1]) %}
            {{- "[AVAILABLE_TOOLS] [" }}
            {%- for tool in tools %}
                {%- set tool = tool.function %}
                {{- '{"type": "function", "function": {' }}
                {%- for key, val in tool.items() if key != "return" %}
                    {%- if val is string %}
                        {{- '"' + key + '": "' + val + '"' }}
                    {%- else %}
                        {{- '"' + key + '": ' + val|tojson }}
                    {%- endif %}
                    {%- if not loop.last %}
                        {{- ", " }}
                    {%- endif %}
                {%- endfor %}
                {{- "}}" }}
                {%- if not loop.last %}
                    {{- ", " }}
                {%- else %}
                    {{- "]" }}
                {%- endif %}
            {%- endfor %}
            {{- "[/AVAILABLE_TOOLS]" }}
            {%- endif %}
        {%- if loop.last and system_message is defined %}
            {{- "[INST] " + system_message + "\\n\\n" + message["content"] + "[/INST]" }}
        {%- else %}
            {{- "[INST] " + message["content"] + "[/INST]" }}
        {%- endif %}
    {%- elif message["role"] == "assistant" %}
        {{- " " + message["content"]|trim + eos_token}}
    {%- else %}
        {{- raise_exception("Only user and assistant roles are supported, with the exception of an initial optional system message!") }}
    {%- endif %}
{%- endfor %}
"""

ZEPHYR = "{% for message in messages %}\n{% if message['role'] == 'user' %}\n{{ '<|user|>\n' + message['content'] + eos_token }}\n{% elif message['role'] == 'system' %}\n{{ '<|system|>\n' + message['content'] + eos_token }}\n{% elif message['role'] == 'assistant' %}\n{{ '<|assistant|>\n'  + message['content'] + eos_token }}\n{% endif %}\n{% if loop.last and add_generation_prompt %}\n{{ '<|assistant|>' }}\n{% endif %}\n{% endfor %}"

GEMMA = r"""{{ bos_token }}{% if messages[0]['role'] == 'system' %}{{ raise_exception('System role not supported') }}{% endif %}{% for message in messages %}{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}{% endif %}{% if (message['role'] == 'assistant') %}{% set role = 'model' %}{% else %}{% set role = message['role'] %}{% endif %}{{ '<start_of_turn>' + role + '\n' + message['content'] | trim + '<end_of_turn>\n' }}{% endfor %}{% if add_generation_prompt %}{{'<start_of_turn>model\n'}}{% endif %}"""

PHI3 = "{% for message in messages %}{% if message['role'] == 'system' %}{{'<|system|>\n' + message['content'] + '<|end|>\n'}}{% elif message['role'] == 'user' %}{{'<|user|>\n' + message['content'] + '<|end|>\n'}}{% elif message['role'] == 'assistant' %}{{'<|assistant|>\n' + message['content'] + '<|end|>\n'}}{% endif %}{% endfor %}{% if add_generation_prompt %}{{ '<|assistant|>\n' }}{% else %}{{ eos_token }}{% endif %}"

TEMPLATES = [
    # name, source, bos, eos
    ("smollm2", SMOLLM2, "<|im_start|>", "<|im_end|>"),
    ("chatml", CHATML, "<s>", "<|im_end|>"),
    ("qwen2", QWEN2, "", "<|im_end|>"),
    ("qwen2.5", QWEN25, "", "<|im_end|>"),
    ("qwen3", QWEN3, "", "<|im_end|>"),
    ("llama2", LLAMA2, "<s>", "</s>"),
    ("llama3", LLAMA3, "<|begin_of_text|>", "<|eot_id|>"),
    ("llama3.1", LLAMA31, "<|begin_of_text|>", "<|eot_id|>"),
    ("llama3.2", LLAMA32, "<|begin_of_text|>", "<|eot_id|>"),
    ("mistral-instruct", MISTRAL_INSTRUCT, "<s>", "</s>"),
    ("mixtral-instruct", MIXTRAL_INSTRUCT, "<s>", "</s>"),
    ("mistral-v0.3", MISTRAL_V03, "<s>", "</s>"),
    ("zephyr", ZEPHYR, "<s>", "</s>"),
    ("gemma", GEMMA, "<bos>", "<eos>"),
    ("phi3", PHI3, "<s>", "<|endoftext|>"),
]

SYSTEM = {"role": "system", "content": "You are a careful assistant. Answer truthfully."}
U1 = {"role": "user", "content": "What happens if you eat watermelon seeds?"}
A1 = {"role": "assistant", "content": "Nothing happens; they pass through your digestive system."}
U2 = {"role": "user", "content": "  And if I swallow gum?\n"}
A2 = {"role": "assistant", "content": " It passes too. \n"}
U_UNICODE = {"role": "user", "content": "Ünïcödé ✓ 日本語 \"quotes\" and 'apostrophes' \\ backslash\ttab {{ not a tag }}"}

CONVERSATIONS = [
    ("user", [U1]),
    ("system-user", [SYSTEM, U1]),
    ("multi-turn", [U1, A1, U2]),
    ("system-multi-turn", [SYSTEM, U1, A1, U2]),
    ("ends-with-assistant", [SYSTEM, U1, A1, U2, A2]),
    ("unicode", [U_UNICODE]),
    ("bad-order", [U1, U2]),
    ("empty-content", [{"role": "user", "content": ""}]),
    ("reasoning", [U1, {"role": "assistant", "content": "<think>\nCheck the myth.\n</think>\n\nNothing happens."}, U2,
                   {"role": "assistant", "content": "<think>\nsame\n</think>\n\nIt passes."}]),
]

TOOLS = [{
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Get the current weather in a city.",
        "parameters": {
            "type": "object",
            "properties": {"city": {"type": "string", "description": "City name"},
                           "days": {"type": "integer", "minimum": 1, "maximum": 7.5}},
            "required": ["city"],
        },
    },
}]
TOOL_CONVERSATION = [
    SYSTEM, {"role": "user", "content": "Weather in Zürich?"},
    {"role": "assistant", "content": "", "tool_calls": [
        {"type": "function", "function": {"name": "get_weather", "arguments": {"city": "Zürich", "days": 2}}}]},
    {"role": "tool", "content": "{\"temperature\": 21.5, \"sky\": \"clear\"}"},
]


def render_chat(source, messages, add_generation_prompt, bos, eos, variables):
    rendered, _ = ctu.render_jinja_template(
        conversations=[messages], chat_template=source, add_generation_prompt=add_generation_prompt,
        bos_token=bos, eos_token=eos, **variables)
    return rendered[0]


def outcome(fn):
    try:
        return {"output": fn()}
    except jinja2.exceptions.TemplateError as e:  # includes raise_exception
        return {"error": str(e), "error_type": type(e).__name__}
    except Exception as e:  # TypeError etc. from jinja2 itself
        return {"error": str(e), "error_type": type(e).__name__}


def template_cases(name, source, bos, eos):
    cases = []
    variable_sets = [{}]
    if name.startswith("llama3.1"):
        variable_sets.append({"date_string": "01 Jan 2025"})
    if name == "qwen3":
        variable_sets.append({"enable_thinking": False})
    for conv_name, messages in CONVERSATIONS:
        for agp in (False, True):
            for variables in variable_sets:
                case = {"conversation": conv_name, "messages_json": json.dumps(messages, ensure_ascii=False),
                        "add_generation_prompt": agp, "bos_token": bos, "eos_token": eos,
                        "variables_json": json.dumps(variables, ensure_ascii=False)}
                case.update(outcome(lambda: render_chat(source, messages, agp, bos, eos, variables)))
                cases.append(case)
    if name in ("qwen2.5", "qwen3", "llama3.1", "mistral-v0.3"):
        for agp in (False, True):
            for conv_name, messages in (("tools", [SYSTEM, U1]), ("tool-calls", TOOL_CONVERSATION)):
                if name == "mistral-v0.3" and conv_name == "tool-calls":
                    continue
                variables = {"tools": TOOLS}
                case = {"conversation": conv_name, "messages_json": json.dumps(messages, ensure_ascii=False),
                        "add_generation_prompt": agp, "bos_token": bos, "eos_token": eos,
                        "variables_json": json.dumps(variables, ensure_ascii=False)}
                case.update(outcome(lambda: render_chat(source, messages, agp, bos, eos, variables)))
                cases.append(case)
    return cases


# ---------------------------------------------------------------------------------------------
# Feature snippets: one construct each, rendered with transformers' compiled environment.
# ---------------------------------------------------------------------------------------------

SNIPPETS = [
    # whitespace control, trim_blocks, lstrip_blocks, comments, raw
    ("  {% if true %}\n  x\n  {% endif %}\n  y", {}),
    ("a  {% if true %}b{% endif %}", {}),
    ("a\n  {# c #}\nb", {}),
    ("{{ 'x' }}\n{{ 'y' }}\n", {}),
    ("a\n  {%+ if true %}b{% endif %}", {}),
    ("a   {%- if true -%}   b   {%- endif -%}   c", {}),
    ("a\n\n  {{- 'b' -}}  \n\n c", {}),
    ("{% for i in [1, 2] %}\n    {{ i }}\n{% endfor %}\n", {}),
    ("{% for i in [1, 2] -%}\n    {{ i }}\n{%- endfor %}", {}),
    ("x {%- raw %} {{ not }} {% rendered %} {% endraw -%} y", {}),
    ("{% if true %}yes{%+ endif %}\nnext", {}),
    ("line1\r\nline2\r\n{% if true %}\r\nz{% endif %}", {}),
    ("  {#- note -#}  x", {}),
    ("{{ a }}\n  {% if a %}b{% endif %}", {"a": 1}),
    ("{% if a %}\n  {{ a }}\n{% endif %}", {"a": "v"}),
    # literals and printing
    ("{{ none }}|{{ [1, 'a', none, true, 1.5] }}|{{ {'a': 1, 'b': [2]} }}|{{ (1, 2) }}|{{ (1,) }}", {}),
    ("{{ 1/2 }} {{ 4/2 }} {{ 7//2 }} {{ -7//2 }} {{ -7 % 3 }} {{ 7 % -3 }} {{ 2**10 }} {{ 2**-1 }}", {}),
    ("{{ 1e20 }} {{ 1e-5 }} {{ 0.1 + 0.2 }} {{ 1e16 }} {{ 1e15 }} {{ 123456.789 }} {{ 0.0001 }} {{ -2.5 }} {{ 1_000 }}", {}),
    ("{{ 'a\\nb\\x41\\u00e9\\d\\t|' }}{{ \"dq 'x'\" }}{{ 'sq \"y\"' }}", {}),
    ("{{ 'a' 'b' }}{{ True }}{{ False }}{{ None }}", {}),
    ("{{ [\"it's\", 'a\"b', 'x\\ny', 'é', '\\\\'] }}", {}),
    ("{{ x }}|{{ y }}|{{ z }}", {"x": 1.0, "y": 3, "z": True}),
    # undefined
    ("[{{ u }}]{{ u|length }}{{ u is defined }}{{ u is undefined }}{% for x in u %}no{% endfor %}", {}),
    ("{{ m.missing is defined }}{{ m['missing'] is defined }}{{ m.role }}", {"m": {"role": "user"}}),
    ("{{ 'a' if u else 'b' }}{{ u or 'fallback' }}{{ not u }}", {}),
    ("{{ x ~ 'a' }}", {}),
    # operators
    ("{{ 'a' ~ 1 ~ none ~ true }} {{ [1, 2] + [3] }} {{ 'ab' * 3 }} {{ 3 * 'ab' }} {{ 'a' + 'b' }}", {}),
    ("{{ true and 'x' }}|{{ false or 0 }}|{{ 0 or '' }}|{{ 1 and 0 }}|{{ none or 'n' }}", {}),
    ("{{ 1 == 1.0 }} {{ true == 1 }} {{ 'a' < 'b' }} {{ [1] == [1] }} {{ 1 < 2 < 3 }} {{ 3 > 2 > 2 }} {{ 'b' >= 'a' }}", {}),
    ("{{ 'x' in 'xyz' }} {{ 2 in [1, 2] }} {{ 'k' in d }} {{ 'z' not in d }} {{ not 1 in [1] }}", {"d": {"k": 1}}),
    ("{{ -x }} {{ +x }} {{ -(1 + 2) * 3 }} {{ 2 + 3 * 4 }} {{ (2 + 3) * 4 }} {{ 10 - 2 - 3 }} {{ 2 ** 3 ** 2 }}", {"x": 4}),
    ("{{ 'a' + 1 }}", {}),
    ("{{ x + 1 }}", {}),
    ("{{ 1 / 0 }}", {}),
    ("{{ 1 if true }}|{{ 1 if false }}|{{ 'y' if 0 else 'n' if 1 else 'z' }}", {}),
    ("{{ '%' ~ 'x' }}", {}),
    # subscripts and slices
    ("{{ 'abc'[::-1] }} {{ [1,2,3][-1] }} {{ [1,2,3,4,5][1:4] }} {{ [1,2,3,4,5][::2] }} {{ 'hello'[1:-1] }} {{ [1,2,3][5:] }} {{ [1,2,3][-2:] }} {{ 'abcdef'[4:1:-1] }}", {}),
    ("{{ m['role'] }}{{ m.role }}{{ m.content[0] }}{{ l[0].a }}{{ l.0.a }}{{ l[9] is defined }}", {"m": {"role": "user", "content": "hi"}, "l": [{"a": 1}]}),
    ("{{ u[1] }}|{{ u|length }}|{{ u[1:2] }}", {"u": "e\u0301x😀"}),
    ("{{ d.items is callable }}", {"d": {"items": "the method wins with ."}}),
    ("{{ d['items'] }}", {"d": {"items": "key wins with []"}}),
    # for loops
    ("{% for x in [] %}a{% else %}empty{% endfor %}", {}),
    ("{% for x in [1,2,3,4] if x is even %}{{ loop.index }}/{{ loop.length }}:{{ x }} {% endfor %}", {}),
    ("{% for x in 'abc' %}{{ loop.index0 }}{{ loop.revindex }}{{ loop.revindex0 }}{{ loop.first }}{{ loop.last }}{{ x }};{% endfor %}", {}),
    ("{% for x in [1,2,3] %}{{ loop.previtem }}-{{ loop.nextitem }}|{{ loop.cycle('odd', 'even') }} {% endfor %}", {}),
    ("{% for k, v in d.items() %}{{ k }}={{ v }};{% endfor %}{% for k in d %}{{ k }}{% endfor %}", {"d": {"b": 1, "a": 2}}),
    ("{% for a, b in [[1, 2], (3, 4)] %}{{ a + b }}{% endfor %}", {}),
    ("{% for i in range(3) %}{{ i }}{% endfor %}{% for i in range(1, 10, 3) %}{{ i }}{% endfor %}{{ range(5, 0, -2)|list }}", {}),
    ("{% for x in [1,2,3,4] %}{% if x == 2 %}{% continue %}{% endif %}{% if x == 4 %}{% break %}{% endif %}{{ x }}{% endfor %}", {}),
    ("{% for x in [1, 2] %}{% for y in [3, 4] %}{{ loop.index }}{{ x }}{{ y }} {% endfor %}{{ loop.index }}|{% endfor %}", {}),
    ("{% for x in none %}{% endfor %}", {}),
    ("{% for x in 5 %}{% endfor %}", {}),
    # scoping, set, namespace, macros
    ("{% for i in [1,2,3] %}{% if loop.first %}{% set a = 5 %}{% endif %}[{{ a }}]{% endfor %}|{{ a }}", {}),
    ("{% set a = 1 %}{% for i in [1,2] %}{% set a = a + 1 %}{{ a }}{% endfor %}{{ a }}", {}),
    ("{% set ns = namespace(a=1, found=false) %}{% for i in [1,2] %}{% set ns.a = ns.a + i %}{% if i == 2 %}{% set ns.found = true %}{% endif %}{% endfor %}{{ ns.a }}{{ ns.found }}", {}),
    ("{% if true %}{% set x = 'inside if' %}{% endif %}{{ x }}", {}),
    ("{% set a, b = 1, 2 %}{{ a }}{{ b }}{% set t = 3, 4 %}{{ t }}", {}),
    ("{% set block %}  inner {{ 1 + 1 }} {% endset %}[{{ block }}]{% set up | upper %}shout{% endset %}{{ up }}", {}),
    ("{% macro f(a, b='x') %}[{{ a }}{{ b }}]{% endmacro %}{{ f(1) }}{{ f(1, b=2) }}{{ f(b=3, a=4) }}", {}),
    ("{% set messages = messages[1:] %}{{ messages|length }}", {"messages": [1, 2, 3]}),
    ("{% set d = {'a': 1, 'b': {'c': [1, 2]}} %}{{ d.b.c[1] }}{{ d['a'] }}{{ dict(x=1, y='z') }}", {}),
    ("{% filter upper %}abc {{ 'd' }}{% endfilter %}", {}),
    ("{% generation %}gen{% endgeneration %}", {}),
    # tests
    ("{{ x is string }} {{ 1 is number }} {{ none is none }} {{ [] is iterable }} {{ {} is mapping }} {{ 'a' is sequence }} {{ 1.5 is float }} {{ 1 is integer }} {{ true is boolean }}", {"x": "s"}),
    ("{{ 4 is even }} {{ 3 is odd }} {{ 9 is divisibleby 3 }} {{ 9 is divisibleby(4) }} {{ 'a' is eq 'a' }} {{ 1 is not none }} {{ 2 is gt 1 }} {{ 'ab' is lower }} {{ 'AB' is upper }} {{ 1 is in [1] }}", {}),
    ("{{ u is not defined }} {{ true is true }} {{ 1 is true }} {{ raise_exception is callable }} {{ 'x' is sameas 'x' }}", {}),
    # filters
    ("{{ x|default('d') }}{{ none|default('d') }}{{ ''|default('d', true) }}{{ ''|d('e', boolean=true) }}{{ 0|default(5) }}", {}),
    ("{{ 'abc'|upper|lower|capitalize }} [{{ '  x  '|trim }}] {{ 'xxhixx'|trim('x') }} {{ 'hello world'|title }} {{ 'hello-world foo(bar)'|title }} {{ \"it's\"|title }} {{ 'mIxEd CaSe'|capitalize }}", {}),
    ("{{ [3,1,2]|sort }} {{ [3,1,2]|sort(reverse=true) }} {{ ['b','A','c']|sort }} {{ [1,2,3]|reverse|list }} {{ 'abc'|reverse }} {{ [1,2,3]|join(', ') }} {{ {'a':1}|items|list }}", {}),
    ("{{ -1|abs }} {{ 2.5|round }} {{ 3.5|round }} {{ 2.567|round(2) }} {{ 2.1|round(0, 'ceil') }} {{ [1,2]|sum }} {{ [3,1]|max }} {{ [3,1]|min }} {{ ['b', 'A']|max }}", {}),
    ("{{ 3.0|int }} {{ '3.7'|int }} {{ 'abc'|int }} {{ 'abc'|int(7) }} {{ '12'|float }} {{ 5|float }} {{ ' 42 '|int }} {{ true|int }}", {}),
    ("{{ [1,2]|first }} {{ [1,2]|last }} {{ 'abc'|first }} {{ 'abc'|last }} {{ []|first is defined }} {{ 'abc'|list }} {{ {'k': 1}|list }} {{ 5|string ~ 'x' }} {{ none|string }}", {}),
    ("{{ 'a-b-a'|replace('a', 'x') }} {{ 'aaa'|replace('a', 'b', 2) }} {{ 3|replace('3', 'three') }} {{ 'x y  z'|wordcount }} {{ [1, 1, 2, 'A', 'a']|unique|list }}", {}),
    ("{{ items|map(attribute='n')|join(',') }} {{ items|selectattr('n', 'gt', 1)|map(attribute='n')|list }} {{ items|rejectattr('flag')|list|length }} {{ ['a', '', 'b']|select|list }} {{ [1, 2, 3, 4]|reject('odd')|list }} {{ ['a', 'b']|map('upper')|list }} {{ items|selectattr('flag')|list|length }}", {"items": [{"n": 1, "flag": True}, {"n": 2}, {"n": 3, "flag": False}]}),
    ("{{ {'b': 1, 'a': [1, 2.0, none, true, 'é\"\\n']}|tojson }}", {}),
    ("{{ {'b': {'c': [], 'd': {}}, 'a': [1, {'x': 'y'}]}|tojson(indent=2) }}", {}),
    ("{{ 'plain'|tojson }} {{ 1.5|tojson }} {{ none|tojson }} {{ [1, 'two']|tojson(separators=(',', ':')) }} {{ {'b': 1, 'a': 2}|tojson(sort_keys=true) }}", {}),
    ("{{ tool|tojson }}", {"tool": {"name": "f", "parameters": {"type": "object", "properties": {"x": {"type": "number", "default": 1.0}}}}}),
    ("{{ u|tojson }}", {}),
    ("{{ 'line1\\nline2\\n\\nline4'|indent(2) }}|{{ 'a\\nb'|indent(2, true) }}|{{ 'a\\n\\nb'|indent(width='> ', blank=true) }}", {}),
    ("{{ d|dictsort }} {{ '<a href=\"x\">&</a>'|e }} {{ [1, 2]|count }} {{ 'abc'|length }} {{ {'a': 1}|length }}", {"d": {"b": 1, "A": 2, "c": 3}}),
    ("{{ x|nonexistent }}", {}),
    # string and dict methods
    ("{{ '  a b  '.strip() }}|{{ 'xxaxx'.lstrip('x') }}|{{ 'xxaxx'.rstrip('x') }}|{{ ' \\n a'.lstrip() }}|{{ 'abc'.startswith('ab') }}{{ 'abc'.endswith('bc') }}{{ 'abc'.startswith(('x', 'a')) }}", {}),
    ("{{ 'a,b,,c'.split(',') }} {{ ' a  b '.split() }} {{ 'a b c'.split(' ', 1) }} {{ 'a b c'.rsplit(' ', 1) }} {{ 'a\\nb\\r\\nc'.splitlines() }} {{ 'think</think>answer'.split('</think>')[-1] }}", {}),
    ("{{ 'Hello'.upper() }}{{ 'Hello'.lower() }}{{ 'a-b'.replace('-', '+') }}{{ 'hello world'.title() }}{{ \"it's 1st\".title() }}{{ 'hello'.capitalize() }}{{ 'abcabc'.find('c') }}{{ 'abcabc'.count('bc') }}{{ ', '.join(['x', 'y']) }}", {}),
    ("{{ d.get('a') }} {{ d.get('z') }} {{ d.get('z', 'dflt') }} {{ d.keys()|list }} {{ d.values()|list }} {{ d.items()|list }}", {"d": {"a": 1, "b": "two"}}),
    ("{{ '12'.isdigit() }}{{ 'ab'.isalpha() }}{{ '  '.isspace() }}{{ 'prefix-x'.removeprefix('prefix-') }}", {}),
    ("{{ x.y() }}", {"x": {}}),
    ("{{ foo() }}", {}),
    ("{{ 'abc'.nosuchmethod() }}", {}),
    # constructs from real templates
    ("{% for m in messages[::-1] %}{{ (messages|length - 1) - loop.index0 }}{{ m.role[0] }}{% endfor %}", {"messages": [{"role": "user"}, {"role": "assistant"}]}),
    ("{% set c = m.content if m.content is string else '' %}[{{ c }}]{{ m.content is string }}", {"m": {"content": None}}),
    ("{{ '<think>\\nA\\n</think>\\n\\nB'.split('</think>')[0].rstrip('\\n').split('<think>')[-1].lstrip('\\n') }}", {}),
    ("{{ messages[0]['content'] if messages else 'none' }}|{{ (messages|first).role }}|{{ (messages|last)['role'] }}", {"messages": [{"role": "a", "content": "c"}, {"role": "b"}]}),
    ("{%- for message in messages -%}\n  {%- if loop.index0 % 2 == 0 %}U{% else %}A{% endif -%}\n{%- endfor %}", {"messages": [1, 2, 3]}),
    ("{{ 'x' + none }}", {}),
    ("{{ none + 1 }}", {}),
    ("{{ [1, 2] + (3,) }}", {}),
    ("{% for t in (1, 2)|list %}{{ t }}{% endfor %}{{ (1, 2)|tojson }}{{ {'t': (1, 'a')}|tojson }}", {}),
    ("{{ '\\n' in text }} {{ text.count('\\n') }} {{ text|length > 3 }}", {"text": "a\nb\nc"}),
    ("{%- set sys = namespace(content='') -%}{%- for m in messages if m.role == 'system' -%}{%- set sys.content = sys.content + m.content -%}{%- endfor -%}{{ sys.content }}", {"messages": [{"role": "system", "content": "A"}, {"role": "user", "content": "B"}, {"role": "system", "content": "C"}]}),
    ("{{ x['a']['b'] is defined }} {{ x.a.b }} {{ x.get('a').get('b') }}", {"x": {"a": {"b": 0}}}),
    ("{{ 1 is sameas 1 }} {{ none is sameas none }} {{ [] is sameas [] }}", {}),
    ("{{ 10 / 4 }} {{ 10 // 4 }} {{ 10.0 // 4 }} {{ -10 // 4 }} {{ 10 % 4 }} {{ -10 % 4 }} {{ 5.5 % 2 }} {{ 2 ** 0.5 }}", {}),
    ("{{ 3 * 1.5 }} {{ 1 + true }} {{ 7 / 7 }} {{ 100000000000000000000.0 }} {{ 1.5e300 * 1e10 }} {{ 123456789012345678 * 1.0 }}", {}),
    # globals
    ("{{ raise_exception('Custom failure: ' ~ 42) }}", {}),
    ("{% if messages|length > 1 %}{{ raise_exception('Only one message allowed, got ' + (messages|length|string)) }}{% endif %}ok", {"messages": [1, 2]}),
    ("{{ strftime_now('%Y-%m-%d %H:%M:%S %a %A %b %B %d %j %p %I %y %%') }}", {}),
    ("{{ strftime_now('%d %b %Y') }}|{{ strftime_now('%-d %B') }}", {}),
    ("{% set ns = namespace(items=[]) %}{{ ns.items|length }}{{ namespace is defined }}", {}),
]

STRFTIME_FORMATS = ["%d %b %Y", "%Y-%m-%d", "%H:%M:%S", "%A, %B %d, %Y", "%a %j %p %I %y %%", "%-d %b", "%e|%F|%T"]


def render_snippet(source, context):
    return ctu._compile_jinja_template(source).render(**context)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--gguf", default=DEFAULT_GGUF, help="GGUF whose chat template must equal the SmolLM2 source here")
    parser.add_argument("--out", default=DEFAULT_OUT)
    args = parser.parse_args()

    if os.path.exists(args.gguf):
        from gguf import GGUFReader
        field = GGUFReader(args.gguf).fields["tokenizer.chat_template"]
        from_gguf = bytes(field.parts[field.data[0]]).decode("utf-8")
        if from_gguf != SMOLLM2:
            sys.exit(f"{args.gguf}: its chat template differs from SMOLLM2 in this script; update the script")
        print(f"SmolLM2 template matches {args.gguf}")
    else:
        print(f"note: {args.gguf} not found; SmolLM2 source not re-checked against the GGUF")

    templates = []
    for name, source, bos, eos in TEMPLATES:
        cases = template_cases(name, source, bos, eos)
        templates.append({"name": name, "source": source, "cases": cases})
        errors = sum(1 for c in cases if "error" in c)
        print(f"{name:18s} {len(cases):3d} cases ({errors} errors)")

    snippets = []
    for source, context in SNIPPETS:
        snippet = {"source": source, "context_json": json.dumps(context, ensure_ascii=False)}
        snippet.update(outcome(lambda: render_snippet(source, context)))
        snippets.append(snippet)
    print(f"snippets           {len(snippets):3d} ({sum(1 for s in snippets if 'error' in s)} errors)")

    strftime = [{"format": f, "output": FIXED_NOW.strftime(f)} for f in STRFTIME_FORMATS]

    fixture = {
        "generator": "scripts/verify/chat_templates.py",
        "jinja2": jinja2.__version__,
        "transformers": transformers.__version__,
        "now": FIXED_NOW.isoformat(),
        "templates": templates,
        "snippets": snippets,
        "strftime": strftime,
    }
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "w", encoding="utf-8") as f:
        json.dump(fixture, f, ensure_ascii=False, indent=1)
        f.write("\n")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
