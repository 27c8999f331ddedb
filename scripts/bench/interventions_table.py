#!/usr/bin/env python3
"""Reproduces the interventions table: each method on TruthfulQA, baseline beside it.

For every method this runs `truthkit eval --intervention SPEC --json` (fitted methods are fitted
first with `truthkit iti fit` / `truthkit steer fit` / `truthkit caad fit` on the same data and scored fold by fold on
held-out questions only) and prints one Markdown row per method: baseline and intervened scores
(MC1/MC2 for multiple choice; BLEU/ROUGE-1 accuracy — and the judge's % true and % true*info with
--judge — for generation), the paired difference with its 95% bootstrap interval, the KL
divergence to the baseline on neutral text, the generation slowdown and the wall time. Runs are
stored, so an interrupted table resumes.

Usage:
    python3 scripts/bench/interventions_table.py [--limit 817] [--truthkit .build/release/truthkit]
        [--methods dola,icd,lol,iti,steer,caad,sc,id,truth-neurons,grains] [--work DIR]
    python3 scripts/bench/interventions_table.py --task gen --limit 100 --methods dola,iti [--judge MODEL]
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
    ap.add_argument("--amateur", help="cd: the amateur model (a GGUF sharing the expert's vocabulary)")
    ap.add_argument("--cd", default="beta=0.5", help="cd: settings after the amateur")
    ap.add_argument("--lol", default="", help="lol: settings (default: the registry's, chosen on training questions)")
    ap.add_argument("--caad", default="", help="caad: settings after the store (default: the registry's)")
    ap.add_argument("--caad-questions", default="10", help="caad: questions per fold's store (`caad fit --questions`)")
    ap.add_argument("--sc", default="", help="sc: settings (default: the registry's)")
    ap.add_argument("--id", default="", help="id: settings (default: the registry's)")
    ap.add_argument("--truth-neurons", default="k=100", help="truth-neurons: settings after the fit")
    ap.add_argument("--truth-neurons-fit", default="--questions-per-fold 16 --steps 4", help="truth-neurons fit options (write as --truth-neurons-fit='…')")
    ap.add_argument("--grains", default="alpha=4", help="grains: settings after the fit")
    ap.add_argument("--grains-fit", default="--questions-per-fold 50", help="grains fit options (write as --grains-fit='…')")
    ap.add_argument("--task", choices=["mc", "gen"], default="mc")
    ap.add_argument("--max-tokens", type=int, default=50, help="generation: answer length limit")
    ap.add_argument("--judge", help="generation: judge model (as `truthkit eval --judge`)")
    args = ap.parse_args()
    os.makedirs(args.work, exist_ok=True)
    store = os.path.join(args.work, "runs.sqlite")
    tk, limit = args.truthkit, str(args.limit)
    # Generation reads the CSV release v0 (its reference answers); fits must come from the same
    # data, so their fold split means the same questions.
    data = ["--data-version", "v0"] if args.task == "gen" else []
    tag = "-gen" if args.task == "gen" else ""
    specs = {}
    for method in args.methods.split(","):
        if method == "dola":
            specs[method] = "dola:layers=high"
        elif method == "icd":
            specs[method] = "icd"
        elif method == "lol":
            specs[method] = f"lol:{args.lol}" if args.lol else "lol"
        elif method == "cd":
            if not args.amateur:
                sys.exit("method cd needs --amateur PATH")
            specs[method] = f"cd:amateur={args.amateur},{args.cd}"
        elif method == "iti":
            fit = os.path.join(args.work, f"iti-{limit}{tag}.json")
            if not os.path.exists(fit):
                run([tk, "iti", "fit", "--limit", limit, "--out", fit] + data)
            specs[method] = f"iti:file={fit},{args.iti}"
        elif method == "steer":
            fit = os.path.join(args.work, f"steer-{limit}{tag}.json")
            if not os.path.exists(fit):
                run([tk, "steer", "fit", "--limit", limit, "--layers", args.steer_layers, "--out", fit] + data)
            specs[method] = f"steer:file={fit},{args.steer}"
        elif method == "caad":
            fit = os.path.join(args.work, f"caad-{limit}{tag}.json")
            if not os.path.exists(fit):
                run([tk, "caad", "fit", "--limit", limit, "--questions", args.caad_questions, "--out", fit] + data)
            specs[method] = f"caad:file={fit}" + (f",{args.caad}" if args.caad else "")
        elif method in ("truth-neurons", "grains"):
            # Integrated-gradients fits are slow (a backward pass per step): they attribute a sample of
            # each fold's training questions (--questions-per-fold); the split still covers every question.
            fit = os.path.join(args.work, f"{method}-{limit}{tag}.json")
            if not os.path.exists(fit):
                run([tk, method, "fit", "--limit", limit, "--out", fit] + getattr(args, method.replace("-", "_") + "_fit").split() + data)
            specs[method] = f"{method}:file={fit},{getattr(args, method.replace('-', '_'))}"
        elif method == "sc":
            specs[method] = f"sc:{args.sc}" if args.sc else "sc"
        elif method == "id":
            specs[method] = f"id:{args.id}" if args.id else "id"
        else:
            sys.exit(f"unknown method {method}")
    if args.task == "mc":
        metrics = [("mc1", "MC1"), ("mc2", "MC2")]
        extra = []
    else:
        metrics = ([("truthful_informative", "% true*info"), ("truthful", "% true")] if args.judge else []) + \
                  [("bleu_acc", "BLEU acc"), ("rouge1_acc", "ROUGE-1 acc")]
        extra = ["--task", "truthfulqa-gen", "--max-tokens", str(args.max_tokens)] + (["--judge", args.judge] if args.judge else [])
    header = "| method | items | " + " | ".join(f"baseline {label} | {label} | Δ{label} [95% CI]" for _, label in metrics) + \
             " | KL neutral | slowdown | wall s |"
    rows = [header, "|" + "---|" * (header.count("|") - 1)]
    for method, spec in specs.items():
        out, seconds = run([tk, "eval", "--intervention", spec, "--limit", limit, "--store", store, "--json"] + extra)
        r = json.loads(out)
        b, i, d = r["baseline"]["metrics"], r["intervened"]["metrics"], r["difference"]
        pct = lambda x: f"{100 * x:.1f}"
        ci = lambda m: f"{100 * d[m]['mean_difference']:+.1f} [{100 * d[m]['lower']:+.1f}, {100 * d[m]['upper']:+.1f}]"
        cells = " | ".join(f"{pct(b[m]['mean'])} | {pct(i[m]['mean'])} | {ci(m)}" for m, _ in metrics)
        rows.append(f"| `{spec}` | {r['items']}{' held-out' if r['held_out'] else ''} | {cells} | {r['kl_neutral_text']:.3f} | "
                    f"{r['overhead']['slowdown']:.2f}× | {seconds:.0f} |")
        print(rows[-1], file=sys.stderr, flush=True)
    print("\n".join(rows))


if __name__ == "__main__":
    main()
