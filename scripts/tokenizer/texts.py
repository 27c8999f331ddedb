"""Test texts shared by the tokenizer fixture generators.

Deterministic: the same texts come out on every run (a fixed seed drives the random ones), so the
committed fixtures can be regenerated and compared.
"""
import json
import os
import random

HANDCRAFTED = [
    "", " ", "  ", "\n", "\n\n", "\t", "\r\n", " \n", "\n ", "a", " a", "  a", "a ", "a  ",
    "Hello world", "Hello, world!", " Hello", "Hello  world", "Hello\tworld", "Hello\nworld", "Hello \n world",
    "The quick brown fox jumps over the lazy dog.",
    "It's 3:45pm and I've got 1,234,567 reasons; don't you?",
    "I'm, you're, he's, she'll, we'd, they've, it'd", "I'M YOU'RE HE'S SHE'LL WE'D THEY'VE", "'s 't 're 've 'm 'll 'd",
    "'S 'T 'RE 'VE 'M 'LL 'D", "'Re 'rE 'Ll 'lL", "''", "'", "a'", "'1", "' s", "'ss", "''s", "x's'", "'ll've",
    "rock 'n' roll", "o'clock", "don’t (curly apostrophe)",
    "0", "1", "12", "123", "1234", "12345", "123456", "1234567", "3.14159", "1,000,000", "-42", "+7", "1e-9",
    "2024-01-15", "0x1F", "v1.2.3", "10%", "$100", "€50", "¥1000", "½ ¾ ²³ ⁴", "Ⅻ ⅷ", "٣٤٥ ٦", "१२३", "੧੨", "①②",
    "a1b2c3", "abc123def", " 123 ", "  123", "1 2 3", "1\n2", "１２３", "x²", "H₂O",
    "...", "!!!", "?!", "—", "–", "«quoted»", "“smart quotes”", "(parens) [brackets] {braces}", "<tag>",
    "$+<=>^~|`", "a+b=c", "x<=y", "a^b", "~/path", "a|b", "`code`", "@user #tag", "100% sure!", "e.g.", "i.e.,",
    "def mc2(scores, labels):\n    total = sum(math.exp(s) for s in scores)\n    return total\n",
    "if (x > 0) {\n\treturn x;\n}\n", "for i in range(10):\n        print(i)", "    indented", "\t\tdouble tab",
    "SELECT * FROM t WHERE id = 1;", "<div class=\"x\">Hi</div>", "{\"key\": [1, 2, 3]}", "a = b // comment",
    "   leading spaces", "trailing spaces   ", "multiple     spaces", "mixed \t \n whitespace", "\n\n\nnewlines",
    "line1\r\nline2\r\n", "a\u00a0b", "a\u3000b", "a\u2003b", "\u00a0\u00a0x", "a\u2028b", "a\u0085b", "a\x0bb", "a\x0cb",
    "a\x1cb", "a\x1fb", "a\x00b", "a\x7fb", "a\u200bb", "a\u200db", "\ufeffBOM", "a\ue000b", "tab\tand\tmore",
    "café", "cafe\u0301", "naïve", "Zürich", "Ångström", "São Paulo", "ñandú", "Ελληνικά", "Русский текст",
    "日本語のテキスト", "中文文本，标点。", "한국어 텍스트", "العربية نص", "עברית", "हिन्दी नमस्ते", "ภาษาไทย",
    "Tiếng Việt có dấu", "Ɛʋe", "ǅungla", "ﬁ ligature", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "𝟙𝟚𝟛",
    "Zer gertatzen zaizu sandia-haziak jaten badituzu?", "¿Qué pasa si comes semillas de sandía?",
    "Què passa si menges llavors de síndria?", "Que pasa se comes sementes de sandía?",
    "emoji 😀", "👍🏽", "👨‍👩‍👧", "🇪🇸🇺🇸", "❤️", "🙂🙃", "a😀b", " 😀", "😀 ", "🤖🤖🤖", "⚡️ fast", "✓ done",
    "<|im_start|>user\nHi<|im_end|>\n", "<|im_start|>", "<|im_end|>", "<|endoftext|>", "<|im_start|", "<|im_end|>x",
    "x<|im_end|>", "<|<|im_end|>|>", "<|im_start|><|im_end|>", "<s>", "</s>", "<unk>", "<s> hello </s>",
    "<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>\n<|im_start|>user\nWhat is 2+2?<|im_end|>\n<|im_start|>assistant\n",
    "<reponame>x<file_sep>y<filename>z", "<jupyter_code>print(1)<jupyter_output>1",
    "Q: What is human life expectancy in the United States?\nA: Human life expectancy in the United States is 78 years.",
    "Q: Who was president of the United States in 1955?\nA:", " Dwight D. Eisenhower was president of the United States in 1955.",
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "ababababababababababab", "        " * 8,
    "\n" * 20, "." * 50, "-" * 40, "=" * 30, "1" * 40, "9876543210" * 5, "ZZZZzzzz", "AbCdEfGhIj",
    "http://example.com/a?b=c&d=e#f", "user@example.com", "C:\\Windows\\System32", "snake_case_name", "camelCaseName",
    "kebab-case-name", "SCREAMING_CASE", "__init__", "a_1", "x_", "_x",
    # equal-priority merges at several positions (ties resolve leftmost first)
    "lll", "llll", "lllll", "ppp", "pppp", " lll", "calll", "llama lll", "aaa", "eeee", "ssss", "zzz",
]

# Characters the random texts draw from: every class the pre-tokenizers distinguish, plus the
# characters their branches test for by value.
POOL = (
    list(" " * 8) + list("\n" * 3) + ["\r", "\t", "\u00a0", "\u3000", "\u2009", "\x0b", "\x1c", "\x85"]
    + list("abcdeflmnorstvxyzABCDELMRSTV") + list("sssttmmddrreevvll") + list("'" * 6)
    + list("0123456789") + ["٣", "²", "½", "Ⅻ", "１"]
    + list(".,;:!?-_()[]{}<>\"/\\@#%&*+=^~|`$") + ["«", "»", "—", "…", "¿", "¡", "·", "’"]
    + ["é", "ß", "ñ", "Ω", "ж", "ü", "ø", "Ł", "ǅ"] + ["日", "本", "中", "한", "ا", "ब", "ि", "्", "\u0301", "\u0300"]
    + ["😀", "👍", "🏽", "\u200d", "❤", "\ufe0f", "✓", "€", "©", "™", "\u200b", "\ue000", "\x00", "\x7f"]
)


def random_texts(count=500, seed=20240917):
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        n = rng.choice([1, 2, 3, 4, 5, 6, 8, 10, 12, 16, 24, 32, 48])
        out.append("".join(rng.choice(POOL) for _ in range(n)))
    return out


def truthfulqa_sample(shared_dir, per_file=12):
    """The first questions and answers of each TruthfulQA language file."""
    out = []
    for name in ["mc_en.jsonl", "mc_es.jsonl", "mc_eu.jsonl", "mc_ca.jsonl", "mc_gl.jsonl"]:
        path = os.path.join(shared_dir, "data", "truthfulqa", name)
        if not os.path.exists(path):
            continue
        with open(path, encoding="utf-8") as f:
            for i, line in enumerate(f):
                if i >= per_file:
                    break
                item = json.loads(line)
                out.append(item["question"])
                out.extend(" " + c for c in item["mc2_targets"]["choices"][:3])
    return out


def item_texts(item):
    """The strings tokenized for one TruthfulQA item; the Swift tests rebuild the same list."""
    q = item["question"]
    texts = [q, "Q: " + q + "\nA:"]
    texts += [" " + c for c in item["mc2_targets"]["choices"]]
    texts += item["mc1_targets"]["choices"]
    return texts


def diverse_texts(shared_dir):
    seen = set()
    out = []
    for t in HANDCRAFTED + truthfulqa_sample(shared_dir) + random_texts():
        if t not in seen:
            seen.add(t)
            out.append(t)
    return out
