#!/usr/bin/env python3
"""Reproduces the interventions table: each method on TruthfulQA MC, baseline beside it.

For every method this runs `truthkit eval --intervention SPEC --json` (fitted methods are fitted
first with `truthkit iti fit` / `truthkit steer fit` on the same items and scored fold by fold on
held-out questions only) and prints one Markdown row per method: baseline and intervened MC1/MC2,
the paired difference with its 95% bootstrap interval, the KL divergence to the baseline on
neutral text, the generation slowdown and the wall time. Runs are stored, so an interrupted
table resumes.

Usage:
    python3 scripts/bench/interventions_table.py [--limit 817] [--truthkit .build/release/truthkit]
        [--methods dola,icd,iti,steer] [--work DIR]
"""
import argparse
import json
import os
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def run(cmd):
    print("$ " + " ".join(cmd), file=sys.stderr, flush=True)
    t = time.time()
    out = subprocess.run(cmd, check=True, stdout=subprocess.PIPE, text=True).stdout
    return out, time.time() - t


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--limit", type=int, default=817)
    ap.add_argument("--truthkit", default=os.path.join(ROOT, ".build", "release", "truthkit"))
    ap.add_argument("--methods", default="dola,icd,iti,steer")
    ap.add_argument("--work", default=os.path.join(ROOT, "runs", "interventions"))
    ap.add_argument("--iti", default="alpha=15,k=48")
    ap.add_argument("--steer", default="alpha=4")
    ap.add_argument("--steer-layers", default="12,15,18")
    args = ap.parse_args()
    os.makedirs(args.work, exist_ok=True)
    store = os.path.join(args.work, "runs.sqlite")
    tk, limit = args.truthkit, str(args.limit)
    specs = {}
    for method in args.methods.split(","):
        if method == "dola":
            specs[method] = "dola:layers=high"
        elif method == "icd":
            specs[method] = "icd"
        elif method == "iti":
            fit = os.path.join(args.work, f"iti-{limit}.json")
            if not os.path.exists(fit):
                run([tk, "iti", "fit", "--limit", limit, "--out", fit])
            specs[method] = f"iti:file={fit},{args.iti}"
        elif method == "steer":
            fit = os.path.join(args.work, f"steer-{limit}.json")
            if not os.path.exists(fit):
                run([tk, "steer", "fit", "--limit", limit, "--layers", args.steer_layers, "--out", fit])
            specs[method] = f"steer:file={fit},{args.steer}"
        else:
            sys.exit(f"unknown method {method}")
    rows = ["| method | items | baseline MC1 | MC1 | ΔMC1 [95% CI] | baseline MC2 | MC2 | ΔMC2 [95% CI] | KL neutral | slowdown | wall s |",
            "|---|---|---|---|---|---|---|---|---|---|---|"]
    for method, spec in specs.items():
        out, seconds = run([tk, "eval", "--intervention", spec, "--limit", limit, "--store", store, "--json"])
        r = json.loads(out)
        b, i, d = r["baseline"]["metrics"], r["intervened"]["metrics"], r["difference"]
        pct = lambda x: f"{100 * x:.1f}"
        ci = lambda m: f"{100 * d[m]['meanDifference']:+.1f} [{100 * d[m]['lower']:+.1f}, {100 * d[m]['upper']:+.1f}]"
        rows.append(f"| `{spec}` | {r['items']}{' held-out' if r['held_out'] else ''} | {pct(b['mc1']['mean'])} | {pct(i['mc1']['mean'])} | {ci('mc1')} | "
                    f"{pct(b['mc2']['mean'])} | {pct(i['mc2']['mean'])} | {ci('mc2')} | {r['kl_neutral_text']:.3f} | "
                    f"{r['overhead']['baseTokensPerSecond'] / r['overhead']['intervenedTokensPerSecond']:.2f}× | {seconds:.0f} |")
        print(rows[-1], file=sys.stderr, flush=True)
    print("\n".join(rows))


if __name__ == "__main__":
    main()
