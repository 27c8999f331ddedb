#!/usr/bin/env python3
"""Writes llama.cpp's token ids for many texts as tokenizer test fixtures.

The oracle is llama.cpp itself, through llama-cpp-python with `vocab_only=True`; nothing here uses
TruthKit code. Two vocabularies:

* SmolLM2-135M-Instruct (byte-level BPE). Besides its own pre-tokenizer (`smollm`) the same
  vocabulary is tokenized with `tokenizer.ggml.pre` overridden to `llama-bpe`, `qwen2`, `gpt-2` and
  `default`, which exercises the other pre-tokenizers on a real vocabulary. Output:
  Fixtures/llamacpp-smollm2.json.
* Fixtures/spm-truthfulqa.vocab.json (SentencePiece BPE with byte fallback, from make_spm_vocab.py,
  written to a temporary GGUF), with its default `add_space_prefix = true` and overridden to false.
  Output: Fixtures/llamacpp-spm.json.

For each vocabulary: full ids for a few hundred diverse texts (texts.py), and, for every item of the
five TruthfulQA files, a 64-bit FNV-1a hash of the ids of that item's strings (texts.item_texts):
each id fed as 4 little-endian bytes, 0xFFFFFFFF between strings. The Swift tests rebuild the same
strings from ../shared/data and compare hashes (all five files for the vocabulary's own settings,
English only for the overridden variants). To keep the files small, a variant's ids (or hash)
are left out (or "") where they equal the first variant's.

    /work/peers-venv/bin/python scripts/tokenizer/make_oracle.py [--model PATH] [--shared DIR]
"""
import argparse
import hashlib
import json
import os
import sys

import tempfile

import llama_cpp

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import texts  # noqa: E402
from make_spm_vocab import write_gguf  # noqa: E402

FILES = ["mc_en.jsonl", "mc_es.jsonl", "mc_eu.jsonl", "mc_ca.jsonl", "mc_gl.jsonl"]


def fnv1a(id_lists):
    h = 0xCBF29CE484222325
    first = True
    for ids in id_lists:
        seq = ids if first else [0xFFFFFFFF] + list(ids)
        first = False
        for v in seq:
            v &= 0xFFFFFFFF
            for k in range(4):
                h ^= (v >> (8 * k)) & 0xFF
                h = (h * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return f"{h:016x}"


def load(path, overrides):
    return llama_cpp.Llama(model_path=path, vocab_only=True, verbose=False, kv_overrides=overrides or None)


def has_markup(t):
    return "<" in t


def build(path, variants, add_bos, shared, diverse):
    """variants: name -> kv_overrides. Returns the fixture dict."""
    out = {"variants": list(variants), "add_bos": add_bos, "texts": [], "truthfulqa": {}}
    models = {name: load(path, ov) for name, ov in variants.items()}
    names = list(variants)
    for t in diverse:
        entry = {"text": t, "ids": {}}
        for name, m in models.items():
            entry["ids"][name] = m.tokenize(t.encode("utf-8"), add_bos=add_bos, special=False)
        if has_markup(t):
            entry["special_ids"] = {name: m.tokenize(t.encode("utf-8"), add_bos=add_bos, special=True)
                                    for name, m in models.items()}
        base = entry["ids"][names[0]]
        entry["ids"] = {n: v for n, v in entry["ids"].items() if n == names[0] or v != base}
        if "special_ids" in entry:
            base = entry["special_ids"][names[0]]
            entry["special_ids"] = {n: v for n, v in entry["special_ids"].items() if n == names[0] or v != base}
        out["texts"].append(entry)
    for fname in FILES:
        with open(os.path.join(shared, "data", "truthfulqa", fname), encoding="utf-8") as f:
            items = [json.loads(line) for line in f]
        per_variant = {}
        for name, m in models.items():
            # Every file for the vocabulary's own settings; English only for the overridden variants,
            # which keeps the Swift test run (a debug build) short.
            if name != names[0] and fname != FILES[0]:
                continue
            per_variant[name] = [
                fnv1a([m.tokenize(s.encode("utf-8"), add_bos=add_bos, special=False) for s in texts.item_texts(it)])
                for it in items
            ]
        base = per_variant[names[0]]
        for n in names[1:]:
            if n not in per_variant:
                continue
            per_variant[n] = [h if h != b else "" for h, b in zip(per_variant[n], base)]
        out["truthfulqa"][fname] = per_variant
    return out


def write(doc, path):
    with open(path, "w", encoding="utf-8") as f:
        json.dump(doc, f, ensure_ascii=False, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {path} ({os.path.getsize(path)} bytes)")


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def main():
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    fixtures = os.path.join(root, "Tests/TKTokenizerTests/Fixtures")
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", default=os.path.expanduser("~/.cache/truthkit/models/SmolLM2-135M-Instruct.Q4_1.gguf"))
    parser.add_argument("--shared", default=os.path.join(os.path.dirname(root), "shared"))
    args = parser.parse_args()

    diverse = texts.diverse_texts(args.shared)
    common = {"generator": "scripts/tokenizer/make_oracle.py", "oracle": f"llama.cpp via llama-cpp-python {llama_cpp.__version__}",
              "hash": "fnv1a64 over uint32-LE ids, 0xFFFFFFFF between strings; strings per item as texts.item_texts"}

    smol = build(args.model, {
        "smollm": {}, "llama-bpe": {"tokenizer.ggml.pre": "llama-bpe"}, "qwen2": {"tokenizer.ggml.pre": "qwen2"},
        "gpt-2": {"tokenizer.ggml.pre": "gpt-2"}, "default": {"tokenizer.ggml.pre": "default"},
    }, add_bos=False, shared=args.shared, diverse=diverse)
    write({**common, "model": os.path.basename(args.model), "model_sha256": sha256(args.model), **smol},
          os.path.join(fixtures, "llamacpp-smollm2.json"))

    vocab_path = os.path.join(fixtures, "spm-truthfulqa.vocab.json")
    with tempfile.TemporaryDirectory() as tmp:
        spm_path = os.path.join(tmp, "spm-truthfulqa.gguf")
        write_gguf(vocab_path, spm_path)
        spm = build(spm_path, {"prefix": {}, "no-prefix": {"tokenizer.ggml.add_space_prefix": False}},
                    add_bos=True, shared=args.shared, diverse=diverse)
    write({**common, "model": "spm-truthfulqa.vocab.json", "vocab_sha256": sha256(vocab_path), **spm},
          os.path.join(fixtures, "llamacpp-spm.json"))


if __name__ == "__main__":
    main()
