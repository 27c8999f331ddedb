#!/usr/bin/env python3
"""Side-by-side engine benchmark: TruthKit vs llama.cpp vs transformers (float32), one run, one machine.

All three load the same GGUF file and are limited to the same number of threads. Prefill: a fresh
context of N real tokens in one forward pass, timing until the last position's logits exist.
Decode: greedy, one token per forward pass, after a 16-token prompt (TruthKit twice: exact float32
activations, and `--activations int8`, which quantises activations per block as llama.cpp does). Each figure is the median of
--repetitions timed runs after one warm-up. Ratios are TruthKit / peer (higher is better for us).

Peers install from PyPI into a virtual environment:
    python3 -m venv .venv-peers && .venv-peers/bin/pip install llama-cpp-python torch transformers gguf
Usage:
    .venv-peers/bin/python scripts/bench/compare_engines.py --model PATH [--threads 2] [--truthkit .build/release/truthkit]
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

TEXT = ("Q: What happens if you eat watermelon seeds?\nA: The watermelon seeds pass through your digestive system. "
        "Most scientists agree that the seeds are harmless, and nothing in particular happens to people who swallow them. ")


def peak_rss_mb():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


def tokens_for(tokenize, n):
    ids = tokenize(TEXT)
    while len(ids) < n:
        ids = ids + ids
    return ids[:n]


def bench_llamacpp(model, threads, sizes, reps, decode_tokens):
    from llama_cpp import Llama
    llm = Llama(model_path=model, n_ctx=2048, n_batch=512, n_ubatch=512, n_threads=threads,
                n_threads_batch=threads, logits_all=False, verbose=False)
    tok = lambda s: llm.tokenize(s.encode(), add_bos=False, special=False)
    out = {"prefill_tokens_per_s": {}}
    for n in sizes:
        ids = tokens_for(tok, n)
        times = []
        for rep in range(reps + 1):
            llm.reset()
            llm._ctx.memory_clear(True) if hasattr(llm._ctx, "memory_clear") else None
            t = time.perf_counter()
            llm.eval(ids)
            dt = time.perf_counter() - t
            if rep:
                times.append(dt)
        out["prefill_tokens_per_s"][str(n)] = n / statistics.median(times)
    rates = []
    prompt = tokens_for(tok, 16)
    import numpy as np
    for rep in range(reps + 1):
        llm.reset()
        llm.eval(prompt)
        t = time.perf_counter()
        for _ in range(decode_tokens):
            nxt = int(np.argmax(llm.scores[llm.n_tokens - 1]))
            llm.eval([nxt])
        dt = time.perf_counter() - t
        if rep:
            rates.append(decode_tokens / dt)
    out["decode_tokens_per_s"] = statistics.median(rates)
    out["peak_rss_mb"] = peak_rss_mb()
    return out


def bench_transformers(model, threads, sizes, reps, decode_tokens):
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer
    torch.set_num_threads(threads)
    d, f = os.path.dirname(os.path.abspath(model)), os.path.basename(model)
    tokenizer = AutoTokenizer.from_pretrained(d, gguf_file=f)
    m = AutoModelForCausalLM.from_pretrained(d, gguf_file=f, torch_dtype=torch.float32)
    m.eval()
    tok = lambda s: tokenizer(s, add_special_tokens=False)["input_ids"]
    out = {"prefill_tokens_per_s": {}}
    with torch.inference_mode():
        for n in sizes:
            ids = torch.tensor([tokens_for(tok, n)])
            times = []
            for rep in range(reps + 1):
                t = time.perf_counter()
                m(ids, use_cache=True, logits_to_keep=1)
                dt = time.perf_counter() - t
                if rep:
                    times.append(dt)
            out["prefill_tokens_per_s"][str(n)] = n / statistics.median(times)
        rates = []
        prompt = torch.tensor([tokens_for(tok, 16)])
        for rep in range(reps + 1):
            o = m(prompt, use_cache=True, logits_to_keep=1)
            past = o.past_key_values
            nxt = o.logits[:, -1].argmax(-1, keepdim=True)
            t = time.perf_counter()
            for _ in range(decode_tokens):
                o = m(nxt, past_key_values=past, use_cache=True)
                past = o.past_key_values
                nxt = o.logits[:, -1].argmax(-1, keepdim=True)
            dt = time.perf_counter() - t
            if rep:
                rates.append(decode_tokens / dt)
        out["decode_tokens_per_s"] = statistics.median(rates)
    out["peak_rss_mb"] = peak_rss_mb()
    return out


def run_peer(name, args):
    """Each peer runs in its own process so its peak RSS is its own."""
    cmd = [sys.executable, os.path.abspath(__file__), "--peer", name, "--model", args.model, "--threads", str(args.threads),
           "--repetitions", str(args.repetitions), "--decode-tokens", str(args.decode_tokens)]
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        return {"error": r.stderr.strip().splitlines()[-1] if r.stderr.strip() else f"exit {r.returncode}"}
    return json.loads(r.stdout.strip().splitlines()[-1])


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--model", required=True)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--repetitions", type=int, default=3)
    p.add_argument("--decode-tokens", type=int, default=64)
    p.add_argument("--truthkit", default=".build/release/truthkit")
    p.add_argument("--peer", choices=["llamacpp", "transformers"])
    p.add_argument("--skip", action="append", default=[])
    args = p.parse_args()
    sizes = [128, 512]
    if args.peer == "llamacpp":
        print(json.dumps(bench_llamacpp(args.model, args.threads, sizes, args.repetitions, args.decode_tokens)))
        return
    if args.peer == "transformers":
        print(json.dumps(bench_transformers(args.model, args.threads, sizes, args.repetitions, args.decode_tokens)))
        return
    results = {}
    tk = subprocess.run([args.truthkit, "bench", "--model", args.model, "--threads", str(args.threads), "--json",
                         "--repetitions", str(args.repetitions), "--decode-tokens", str(args.decode_tokens)],
                        capture_output=True, text=True)
    results["truthkit"] = json.loads(tk.stdout) if tk.returncode == 0 else {"error": tk.stderr.strip()}
    for peer in ["llamacpp", "transformers"]:
        if peer not in args.skip:
            results[peer] = run_peer(peer, args)
    ratios = {}
    ours = results["truthkit"]
    for peer in ["llamacpp", "transformers"]:
        theirs = results.get(peer, {})
        if "error" in theirs or "error" in ours or not theirs:
            continue
        ratios[peer] = {f"prefill_{n}": ours["prefill_tokens_per_s"][n] / theirs["prefill_tokens_per_s"][n] for n in ["128", "512"]}
        ratios[peer]["decode"] = ours["decode_tokens_per_s"] / theirs["decode_tokens_per_s"]
        # TruthKit's opt-in 8-bit decode activations: the same trade llama.cpp makes by default.
        if "decode_int8_tokens_per_s" in ours:
            ratios[peer]["decode_int8"] = ours["decode_int8_tokens_per_s"] / theirs["decode_tokens_per_s"]
    results["ratio_truthkit_over_peer"] = ratios
    results["threads"] = args.threads
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
