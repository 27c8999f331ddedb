#!/usr/bin/env python3
"""Tiny random-weight models of the families TruthKit runs without real weights, written as GGUF
files with the `gguf` package, with transformers' float32 log-probabilities over a fixed token
sequence as the expected output.

Each model is built from a transformers config alone (no download): 2 layers, width 64, a 64-token
vocabulary. Weights are rounded to float16 before transformers runs, and the GGUF stores them as
F16, so both sides compute on identical numbers. Tensor names, the Q/K row permutation of Llama,
Gemma's `1 + w` norm weights and Llama 3's `rope_freqs.weight` follow llama.cpp's converter
(convert_hf_to_gguf.py), so the files look like real conversions.

Usage (pinned versions: torch 2.15.0, transformers 5.24.0, gguf 0.18.0, numpy 2.x):
    python3 -m venv /tmp/families-venv
    /tmp/families-venv/bin/pip install torch==2.15.0 transformers==5.24.0 gguf==0.19.0 numpy
    /tmp/families-venv/bin/python scripts/families/make_fixtures.py Tests/TKEngineTests/Fixtures/families

Writes <name>.gguf and <name>.json ({"family", "token_ids", "logprobs": [[vocab floats] per position],
"notes"}) per fixture.
"""
import json
import math
import sys
from pathlib import Path

import numpy as np
import torch
import transformers
import gguf

VOCAB = 64
TOKENS = [1, 17, 5, 42, 9, 33, 60, 2, 28, 11, 50, 7, 19, 3, 44, 25]  # 16 positions


def tiny_vocab_metadata(w: "gguf.GGUFWriter"):
    """A byte-level BPE vocabulary of VOCAB tokens (the test feeds token ids, never text)."""
    letters = list("abcdefghijklmnopqrstuvwxyz") + ["Ġ"]
    tokens = ["<|endoftext|>"] + letters
    while len(tokens) < VOCAB:
        tokens.append(f"<extra_{len(tokens)}>")
    w.add_tokenizer_model("gpt2")
    w.add_tokenizer_pre("gpt-2")
    w.add_token_list(tokens)
    w.add_token_types([3 if t.startswith("<") else 1 for t in tokens])
    w.add_token_merges(["Ġ a"])
    w.add_bos_token_id(0)
    w.add_eos_token_id(0)
    w.add_add_bos_token(False)


def round_to_f16(model):
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(p.half().float())


def randomize(model, seed):
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if "norm" in name:
                # Norm weights near their neutral value (Gemma's neutral w is 0: it scales by 1 + w).
                base = 0.0 if isinstance(model, (transformers.Gemma2ForCausalLM, transformers.Gemma3ForCausalLM)) else 1.0
                p.copy_(base + 0.2 * (torch.rand(p.shape, generator=g) - 0.5))
            else:
                p.copy_(0.3 * torch.randn(p.shape, generator=g) / math.sqrt(p.shape[-1]) * 4)


def permute_qk(w, n_head):
    """llama.cpp's LlamaModel.permute: HF's rotate-half rows to adjacent pairs."""
    return w.reshape(n_head, 2, w.shape[0] // n_head // 2, *w.shape[1:]).swapaxes(1, 2).reshape(w.shape)


def f16(t):
    return t.detach().numpy().astype(np.float16)


def f32(t):
    return t.detach().numpy().astype(np.float32)


def common_metadata(w, arch, cfg, head_dim):
    w.add_name(f"tiny-{arch}")
    w.add_block_count(cfg.num_hidden_layers)
    w.add_context_length(cfg.max_position_embeddings)
    w.add_embedding_length(cfg.hidden_size)
    w.add_feed_forward_length(cfg.intermediate_size)
    w.add_head_count(cfg.num_attention_heads)
    w.add_head_count_kv(cfg.num_key_value_heads)
    w.add_key_length(head_dim)
    w.add_value_length(head_dim)
    w.add_layer_norm_rms_eps(cfg.rms_norm_eps)
    w.add_rope_freq_base(rope_theta(cfg))
    w.add_vocab_size(VOCAB)
    tiny_vocab_metadata(w)


def rope_theta(cfg):
    params = getattr(cfg, "rope_parameters", None)
    if isinstance(params, dict):
        if "rope_theta" in params:
            return float(params["rope_theta"])
        if "full_attention" in params:
            return float(params["full_attention"]["rope_theta"])
    return float(getattr(cfg, "rope_theta", 10000.0))


def llama_like(model, w, *, permute, qk_norm=False, gemma_norms=False, fused=False):
    """Writes the blocks under llama.cpp's names. `gemma_norms`: store 1 + w and the post norms."""
    cfg = model.config
    sd = model.state_dict()
    shift = 1.0 if gemma_norms else 0.0
    w.add_tensor("token_embd.weight", f16(sd["model.embed_tokens.weight"]))
    w.add_tensor("output_norm.weight", f32(sd["model.norm.weight"] + shift))
    if "lm_head.weight" in sd and not cfg.tie_word_embeddings:
        w.add_tensor("output.weight", f16(sd["lm_head.weight"]))
    for l in range(cfg.num_hidden_layers):
        p = f"model.layers.{l}."
        b = f"blk.{l}."
        w.add_tensor(b + "attn_norm.weight", f32(sd[p + "input_layernorm.weight"] + shift))
        if fused:
            w.add_tensor(b + "attn_qkv.weight", f16(sd[p + "self_attn.qkv_proj.weight"]))
            w.add_tensor(b + "ffn_up.weight", f16(sd[p + "mlp.gate_up_proj.weight"]))
        else:
            q = sd[p + "self_attn.q_proj.weight"]
            k = sd[p + "self_attn.k_proj.weight"]
            if permute:
                q = permute_qk(q, cfg.num_attention_heads)
                k = permute_qk(k, cfg.num_key_value_heads)
            w.add_tensor(b + "attn_q.weight", f16(q))
            w.add_tensor(b + "attn_k.weight", f16(k))
            w.add_tensor(b + "attn_v.weight", f16(sd[p + "self_attn.v_proj.weight"]))
            w.add_tensor(b + "ffn_gate.weight", f16(sd[p + "mlp.gate_proj.weight"]))
            w.add_tensor(b + "ffn_up.weight", f16(sd[p + "mlp.up_proj.weight"]))
        w.add_tensor(b + "attn_output.weight", f16(sd[p + "self_attn.o_proj.weight"]))
        w.add_tensor(b + "ffn_down.weight", f16(sd[p + "mlp.down_proj.weight"]))
        if qk_norm:
            w.add_tensor(b + "attn_q_norm.weight", f32(sd[p + "self_attn.q_norm.weight"] + shift))
            w.add_tensor(b + "attn_k_norm.weight", f32(sd[p + "self_attn.k_norm.weight"] + shift))
        if gemma_norms:
            w.add_tensor(b + "post_attention_norm.weight", f32(sd[p + "post_attention_layernorm.weight"] + shift))
            w.add_tensor(b + "ffn_norm.weight", f32(sd[p + "pre_feedforward_layernorm.weight"] + shift))
            w.add_tensor(b + "post_ffw_norm.weight", f32(sd[p + "post_feedforward_layernorm.weight"] + shift))
        else:
            w.add_tensor(b + "ffn_norm.weight", f32(sd[p + "post_attention_layernorm.weight"]))


def llama3_rope_factors(cfg, head_dim):
    """llama.cpp's LlamaModel.generate_extra_tensors: per-frequency divisors for Llama 3 scaling."""
    r = cfg.rope_parameters
    base = r["rope_theta"]
    freqs = 1.0 / (base ** (torch.arange(0, head_dim, 2, dtype=torch.float32) / head_dim))
    factor, low, high, old = r["factor"], r["low_freq_factor"], r["high_freq_factor"], r["original_max_position_embeddings"]
    low_wavelen, high_wavelen = old / low, old / high
    out = []
    for f in freqs.tolist():
        wavelen = 2 * math.pi / f
        if wavelen < high_wavelen:
            out.append(1.0)
        elif wavelen > low_wavelen:
            out.append(factor)
        else:
            smooth = (old / wavelen - low) / (high - low)
            out.append(1 / ((1 - smooth) / factor + smooth))
    return np.array(out, dtype=np.float32)


def build(name, family, model, write, notes):
    out_dir = Path(sys.argv[1])
    out_dir.mkdir(parents=True, exist_ok=True)
    model.eval()
    with torch.no_grad():
        logits = model(torch.tensor([TOKENS])).logits[0].float()
        logprobs = torch.log_softmax(logits, dim=-1)
    w = gguf.GGUFWriter(str(out_dir / f"{name}.gguf"), family)
    write(w)
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    (out_dir / f"{name}.json").write_text(json.dumps({
        "family": family, "token_ids": TOKENS, "notes": notes,
        "transformers_version": transformers.__version__, "torch_version": torch.__version__,
        "logprobs": [[round(float(x), 6) for x in row] for row in logprobs],
    }))
    print(f"{name}: {(out_dir / f'{name}.gguf').stat().st_size} bytes")


def base_kwargs(**extra):
    kw = dict(vocab_size=VOCAB, hidden_size=64, intermediate_size=96, num_hidden_layers=2,
              num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=128,
              rms_norm_eps=1e-6, tie_word_embeddings=True, attn_implementation="eager")
    kw.update(extra)
    return kw


def make(cls, cfg, seed):
    torch.manual_seed(seed)
    model = cls(cfg)
    randomize(model, seed)
    round_to_f16(model)
    return model


def main():
    torch.set_grad_enabled(False)

    # Gemma 2: logit and attention soft-capping, local (window 4, shorter than the text) / global layers.
    cfg = transformers.Gemma2Config(**base_kwargs(head_dim=16, sliding_window=4, query_pre_attn_scalar=16,
                                                  attn_logit_softcapping=50.0, final_logit_softcapping=30.0,
                                                  hidden_activation="gelu_pytorch_tanh"))
    m = make(transformers.Gemma2ForCausalLM, cfg, 1)
    def gemma2(w):
        common_metadata(w, "gemma2", cfg, 16)
        w.add_uint32("gemma2.attention.sliding_window", cfg.sliding_window)
        w.add_float32("gemma2.attn_logit_softcapping", cfg.attn_logit_softcapping)
        w.add_float32("gemma2.final_logit_softcapping", cfg.final_logit_softcapping)
        llama_like(m, w, permute=False, gemma_norms=True)
    build("gemma2-tiny", "gemma2", m, gemma2, "soft-capping 50/30, sliding window 4 on even layers")

    # Gemma 3: QK-norm, local layers with window 4 and RoPE base 10,000 (pattern of 6 → with 2 layers both local;
    # the pattern key makes layer 1 global here).
    cfg = transformers.Gemma3TextConfig(**base_kwargs(head_dim=16, sliding_window=4, query_pre_attn_scalar=16,
                                                      layer_types=["sliding_attention", "full_attention"],
                                                      rope_parameters={"full_attention": {"rope_type": "default", "rope_theta": 1_000_000.0},
                                                                       "sliding_attention": {"rope_type": "default", "rope_theta": 10_000.0}}))
    m = make(transformers.Gemma3ForCausalLM, cfg, 2)
    def gemma3(w):
        common_metadata(w, "gemma3", cfg, 16)
        w.add_uint32("gemma3.attention.sliding_window", cfg.sliding_window)
        w.add_uint32("gemma3.attention.sliding_window_pattern", 2)
        llama_like(m, w, permute=False, qk_norm=True, gemma_norms=True)
    build("gemma3-tiny", "gemma3", m, gemma3, "QK-norm, window 4 on layer 0, RoPE bases 1e6 global / 1e4 local")

    # Qwen3: QK-norm, NeoX RoPE, no biases.
    cfg = transformers.Qwen3Config(**base_kwargs(head_dim=16, use_sliding_window=False))
    m = make(transformers.Qwen3ForCausalLM, cfg, 3)
    def qwen3(w):
        common_metadata(w, "qwen3", cfg, 16)
        llama_like(m, w, permute=False, qk_norm=True)
    build("qwen3-tiny", "qwen3", m, qwen3, "QK-norm")

    # Phi-3: fused QKV and gate-up projections, untied output head.
    cfg = transformers.Phi3Config(**base_kwargs(tie_word_embeddings=False, pad_token_id=0, bos_token_id=0, eos_token_id=0))
    m = make(transformers.Phi3ForCausalLM, cfg, 4)
    def phi3(w):
        common_metadata(w, "phi3", cfg, 16)
        w.add_rope_dimension_count(16)
        llama_like(m, w, permute=False, fused=True)
    build("phi3-tiny", "phi3", m, phi3, "fused attn_qkv and gate-up ffn_up, separate output head")

    # Mistral: sliding windows shorter (5) and longer (64) than the 16-token text.
    for window in (5, 64):
        cfg = transformers.MistralConfig(**base_kwargs(head_dim=16, sliding_window=window))
        m = make(transformers.MistralForCausalLM, cfg, 5)
        def mistral(w, cfg=cfg, m=m):
            common_metadata(w, "llama", cfg, 16)
            w.add_uint32("llama.attention.sliding_window", cfg.sliding_window)
            llama_like(m, w, permute=True)
        build(f"mistral-window{window}-tiny", "llama", m, mistral, f"Mistral, sliding window {window}, written as llama with llama.attention.sliding_window")

    # Llama 3 RoPE scaling (rope_freqs.weight): original context 8 so the 16 positions reach the scaled band.
    cfg = transformers.LlamaConfig(**base_kwargs(head_dim=16, rope_parameters={
        "rope_type": "llama3", "rope_theta": 10000.0, "factor": 4.0, "low_freq_factor": 1.0,
        "high_freq_factor": 4.0, "original_max_position_embeddings": 8}))
    m = make(transformers.LlamaForCausalLM, cfg, 6)
    def llama3(w):
        common_metadata(w, "llama", cfg, 16)
        llama_like(m, w, permute=True)
        w.add_tensor("rope_freqs.weight", llama3_rope_factors(cfg, 16))
    build("llama3-ropescaling-tiny", "llama", m, llama3, "Llama 3 RoPE scaling factor 4, original context 8")


if __name__ == "__main__":
    main()
