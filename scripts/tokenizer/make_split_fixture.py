#!/usr/bin/env python3
"""Writes Tests/TKTokenizerTests/Fixtures/pretokenizer-splits.json: expected pre-tokenizer splits.

The oracle is Python's `regex` module running llama.cpp's regex lists (llama-vocab.cpp,
`llm_tokenizer_bpe`) the way llama.cpp's `unicode_regex_split` applies them: each regex of a list
re-splits the pieces left by the previous one, and unmatched text between matches stays a piece.
Nothing here uses TruthKit code. Run with the system python3 (needs `regex`):

    python3 scripts/tokenizer/make_split_fixture.py [--shared ../shared]
"""
import argparse
import json
import os
import sys

import regex

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import texts  # noqa: E402

GPT2 = r"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)"
LLAMA3 = r"(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"
QWEN2 = r"(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"

# Keys are the Swift `PreTokenizer` raw values.
PRETOKENIZERS = {
    "gpt-2": [GPT2],
    "llama3": [LLAMA3],
    "qwen2": [QWEN2],
    "smollm": [r"\p{N}", GPT2],
    "default": [r"[\p{P}\$\+<=>\^~\|]+", GPT2, r"\p{N}+", r"[0-9][0-9][0-9]"],
}


def split(text, patterns):
    pieces = [text] if text else []
    for pattern in patterns:
        compiled = regex.compile(pattern)
        out = []
        for piece in pieces:
            pos = 0
            for m in compiled.finditer(piece):
                if m.start() > pos:
                    out.append(piece[pos:m.start()])
                if m.end() > m.start():
                    out.append(m.group())
                pos = m.end()
            if pos < len(piece):
                out.append(piece[pos:])
        pieces = out
    return pieces


def main():
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    parser = argparse.ArgumentParser()
    parser.add_argument("--shared", default=os.path.join(os.path.dirname(root), "shared"))
    parser.add_argument("--out", default=os.path.join(root, "Tests/TKTokenizerTests/Fixtures/pretokenizer-splits.json"))
    args = parser.parse_args()

    cases = []
    for t in texts.diverse_texts(args.shared):
        splits = {}
        for name, patterns in PRETOKENIZERS.items():
            pieces = split(t, patterns)
            assert "".join(pieces) == t
            splits[name] = [len(p) for p in pieces]  # lengths in code points
        cases.append({"text": t, "splits": splits})
    doc = {
        "generator": "scripts/tokenizer/make_split_fixture.py",
        "oracle": f"python regex {regex.__version__}, llama.cpp regex lists",
        "pretokenizers": PRETOKENIZERS,
        "cases": cases,
    }
    with open(args.out, "w", encoding="utf-8") as f:
        json.dump(doc, f, ensure_ascii=False, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {len(cases)} cases to {args.out} ({os.path.getsize(args.out)} bytes)")


if __name__ == "__main__":
    main()
