"""Compares lm-eval's truthfulqa mc1/mc2 (results JSON) with `truthkit eval --json` (metrics.mc1/mc2).

Usage: compare_lmeval.py LMEVAL_RESULTS_DIR TRUTHKIT_JSON [--tolerance 1e-4]
Exits 1 when a metric differs by more than the tolerance.
"""
import argparse, glob, json, os, sys

p = argparse.ArgumentParser()
p.add_argument("lmeval_dir")
p.add_argument("truthkit_json")
p.add_argument("--tolerance", type=float, default=1e-4)
a = p.parse_args()

files = sorted(glob.glob(os.path.join(a.lmeval_dir, "**", "results_*.json"), recursive=True), key=os.path.getmtime)
if not files:
    sys.exit(f"no lm-eval results_*.json under {a.lmeval_dir}")
results = json.load(open(files[-1]))["results"]
lm = {"mc1": results["truthfulqa_local_mc1"]["acc,none"], "mc2": results["truthfulqa_local_mc2"]["acc,none"]}

tk_doc = json.load(open(a.truthkit_json))
metrics = tk_doc.get("metrics", {})
def value(m):
    v = metrics[m]
    return v["value"] if isinstance(v, dict) else v
tk = {m: value(m) for m in ("mc1", "mc2")}

ok = True
for m in ("mc1", "mc2"):
    diff = abs(lm[m] - tk[m])
    good = diff <= a.tolerance
    ok &= good
    print(f"{m}: lm-eval (via truthkit serve) {lm[m]:.6f}  truthkit eval {tk[m]:.6f}  |diff| {diff:.2e}  {'OK' if good else 'MISMATCH'}")
sys.exit(0 if ok else 1)
