#!/usr/bin/env python3
"""Concurrency across items against a slow OpenAI-compatible server (every answer after --delay s).

Runs `truthkit eval --backend openai` on the first N MC questions and the first M generation
questions with --concurrency 1 and with a higher setting, each in a fresh store, and prints the
evaluation seconds (the evaluator's own clock, without process start), the speed-up and whether the
metrics are identical. Prints JSON on stdout.

    swift build -c release
    python3 scripts/bench/concurrency.py --truthkit .build/release/truthkit
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def run_eval(truthkit, port, task, limit, concurrency, extra):
    home = tempfile.mkdtemp(prefix="tk-conc-")
    env = dict(os.environ, TRUTHKIT_HOME=home)
    cmd = [truthkit, "eval", "--backend", "openai", "--base-url", f"http://127.0.0.1:{port}/v1", "--model", "slow-model",
           "--task", task, "--limit", str(limit), "--concurrency", str(concurrency), "--json"] + extra
    start = time.time()
    p = subprocess.run(cmd, env=env, capture_output=True, text=True)
    wall = time.time() - start
    if p.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed:\n{p.stderr[-3000:]}")
    report = json.loads(p.stdout)
    return {"seconds": report["tokens"]["seconds"], "wall_seconds": wall, "metrics": report["metrics"]}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--truthkit", default=".build/release/truthkit")
    ap.add_argument("--port", type=int, default=8765)
    ap.add_argument("--delay", type=float, default=0.2)
    ap.add_argument("--mc-items", type=int, default=40)
    ap.add_argument("--mc-concurrency", type=int, default=32)
    ap.add_argument("--gen-items", type=int, default=20)
    ap.add_argument("--gen-concurrency", type=int, default=16)
    a = ap.parse_args()
    server = subprocess.Popen([sys.executable, os.path.join(HERE, "slow_openai_server.py"), "--port", str(a.port),
                               "--delay", str(a.delay)], stdout=subprocess.PIPE, text=True)
    try:
        server.stdout.readline()
        out = {"delay_s": a.delay}
        for task, n, c, extra in [("truthfulqa-mc", a.mc_items, a.mc_concurrency, []),
                                  ("truthfulqa-gen", a.gen_items, a.gen_concurrency, ["--max-tokens", "16"])]:
            one = run_eval(a.truthkit, a.port, task, n, 1, extra)
            many = run_eval(a.truthkit, a.port, task, n, c, extra)
            out[task] = {"items": n, "concurrency": c, "seconds_at_1": one["seconds"], f"seconds_at_{c}": many["seconds"],
                         "speedup": one["seconds"] / many["seconds"], "identical_metrics": one["metrics"] == many["metrics"]}
        print(json.dumps(out, indent=2))
    finally:
        server.terminate()


if __name__ == "__main__":
    main()
