#!/usr/bin/env python3
"""Writes Tests/TKTokenizerTests/Fixtures/spm-truthfulqa.vocab.json: a small Llama-2-style vocabulary.

A real SentencePiece BPE model (sentencepiece's own trainer, byte fallback on, like Llama 2) is
trained on TruthfulQA text in five languages and stored the way llama.cpp's convert_hf_to_gguf.py
stores a SentencePiece vocabulary in GGUF: one token, score and type per piece, <unk>/<s>/</s> =
0/1/2, `<0xXX>` byte tokens. The fixture is JSON because `*.gguf` is git-ignored; `write_gguf`
(used by make_oracle.py, and mirrored by the Swift tests with GGUFWriter) turns it into a
`tokenizer.ggml.model = "llama"` GGUF with the llama hyper-parameters llama.cpp needs to open it
with `vocab_only=True`, and no tensors.

    /work/peers-venv/bin/python scripts/tokenizer/make_spm_vocab.py [--shared ../shared]
"""
import argparse
import json
import os
import tempfile

import gguf
import sentencepiece as spm

CONTROL = ["<|im_start|>", "<|im_end|>"]
USER_DEFINED = ["<sep>"]


def corpus(shared):
    lines = []
    for name in ["mc_en.jsonl", "mc_es.jsonl", "mc_eu.jsonl", "mc_ca.jsonl", "mc_gl.jsonl"]:
        with open(os.path.join(shared, "data", "truthfulqa", name), encoding="utf-8") as f:
            for line in f:
                item = json.loads(line)
                lines.append(item["question"])
                lines.extend(item["mc2_targets"]["choices"])
    return lines


def write_gguf(vocab_path, out_path):
    """Writes the vocabulary JSON as a vocab-only llama GGUF (the layout the Swift tests build too)."""
    with open(vocab_path, encoding="utf-8") as f:
        vocab = json.load(f)
    w = gguf.GGUFWriter(out_path, "llama")
    w.add_name("spm-truthfulqa (tokenizer test fixture)")
    w.add_context_length(2048)
    w.add_embedding_length(64)
    w.add_block_count(1)
    w.add_feed_forward_length(128)
    w.add_head_count(4)
    w.add_head_count_kv(4)
    w.add_rope_dimension_count(16)
    w.add_layer_norm_rms_eps(1e-5)
    w.add_vocab_size(len(vocab["tokens"]))
    w.add_tokenizer_model("llama")
    w.add_token_list(vocab["tokens"])
    w.add_token_scores(vocab["scores"])
    w.add_token_types(vocab["token_types"])
    w.add_bos_token_id(vocab["bos_token_id"])
    w.add_eos_token_id(vocab["eos_token_id"])
    w.add_unk_token_id(vocab["unknown_token_id"])
    w.add_add_bos_token(vocab["add_bos_token"])
    w.add_add_eos_token(vocab["add_eos_token"])
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()


def main():
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    parser = argparse.ArgumentParser()
    parser.add_argument("--shared", default=os.path.join(os.path.dirname(root), "shared"))
    parser.add_argument("--out", default=os.path.join(root, "Tests/TKTokenizerTests/Fixtures/spm-truthfulqa.vocab.json"))
    parser.add_argument("--vocab-size", type=int, default=2000)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        text_path = os.path.join(tmp, "corpus.txt")
        with open(text_path, "w", encoding="utf-8") as f:
            f.write("\n".join(corpus(args.shared)))
        prefix = os.path.join(tmp, "spm")
        spm.SentencePieceTrainer.train(
            input=text_path, model_prefix=prefix, model_type="bpe", vocab_size=args.vocab_size,
            byte_fallback=True, character_coverage=0.9995, split_digits=True,
            control_symbols=CONTROL, user_defined_symbols=USER_DEFINED,
            unk_id=0, bos_id=1, eos_id=2, pad_id=-1, num_threads=2, minloglevel=2,
            allow_whitespace_only_pieces=True, remove_extra_whitespaces=False, normalization_rule_name="identity",
        )
        sp = spm.SentencePieceProcessor(model_file=prefix + ".model")

    tokens, scores, types = [], [], []
    for i in range(sp.get_piece_size()):
        piece = sp.id_to_piece(i)
        tokens.append(piece)
        scores.append(sp.get_score(i))
        if sp.is_unknown(i):
            types.append(gguf.TokenType.UNKNOWN)
        elif sp.is_control(i):
            types.append(gguf.TokenType.CONTROL)
        elif sp.is_unused(i):
            types.append(gguf.TokenType.UNUSED)
        elif sp.is_byte(i):
            types.append(gguf.TokenType.BYTE)
        elif piece in USER_DEFINED:
            types.append(gguf.TokenType.USER_DEFINED)
        else:
            types.append(gguf.TokenType.NORMAL)

    vocab = {"tokens": tokens, "scores": scores, "token_types": [int(t) for t in types],
             "bos_token_id": 1, "eos_token_id": 2, "unknown_token_id": 0, "add_bos_token": True, "add_eos_token": False}
    with open(args.out, "w", encoding="utf-8") as f:
        json.dump(vocab, f, ensure_ascii=False, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {len(tokens)} tokens to {args.out} ({os.path.getsize(args.out)} bytes)")


if __name__ == "__main__":
    main()
