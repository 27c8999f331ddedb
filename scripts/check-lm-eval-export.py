#!/usr/bin/env python3
"""Checks files written by `truthkit runs export ID --format lm-eval --out DIR` with
lm-evaluation-harness's own code (pip install --no-deps lm-eval; numpy, requests, typing_extensions):

- lm_eval.utils.get_results_filenames / get_sample_results_filenames / get_file_task_name /
  get_file_datetime / get_latest_filename find and parse the files, as its loggers do;
- every key and value type of lm_eval.result_schema's EvalResults, _TaskMetrics, _SampleCount and
  SampleResult matches, field for field;
- doc_hash, prompt_hash, target_hash and task_hashes are recomputed with lm_eval.utils.hash_string;
- truthfulqa_mc2's per-sample acc is recomputed from the exported log-likelihoods with lm-eval's own
  process_results_mc2, truthfulqa_mc1's as lm-eval's multiple_choice acc (argmax == gold), and each
  task's aggregate with lm_eval.api.metrics' mean and mean_stderr.

Usage: check-lm-eval-export.py DIR   (exits 1 naming the first mismatch)
"""
import glob, json, math, os, sys, typing

from lm_eval import utils
from lm_eval import result_schema as schema

class Mismatch(Exception):
    pass

def fail(msg):
    raise Mismatch(msg)

def check_type(value, annotation, where):
    if isinstance(annotation, str):
        return  # forward references to the TypedDicts are checked explicitly below
    origin = typing.get_origin(annotation)
    if annotation is typing.Any:
        return
    if origin is typing.Union or type(annotation).__name__ == "UnionType":
        for option in typing.get_args(annotation):
            try:
                check_type(value, option, where); return
            except Mismatch:
                pass
        fail(f"{where}: {value!r} is none of {annotation}")
    if annotation is type(None):
        if value is not None: fail(f"{where}: expected null, got {value!r}")
        return
    if origin in (list, dict):
        if not isinstance(value, origin): fail(f"{where}: expected {origin.__name__}, got {type(value).__name__}")
        args = typing.get_args(annotation)
        if origin is list and args:
            for i, v in enumerate(value): check_type(v, args[0], f"{where}[{i}]")
        if origin is dict and args:
            for k, v in value.items(): check_type(v, args[1], f"{where}.{k}")
        return
    if annotation is float:
        if not isinstance(value, (int, float)) or isinstance(value, bool): fail(f"{where}: expected a number, got {value!r}")
        return
    if isinstance(annotation, type) and not isinstance(value, annotation):
        fail(f"{where}: expected {annotation.__name__}, got {type(value).__name__} {value!r}")

def check_typed_dict(value, td, where, extra_ok=()):
    hints = typing.get_type_hints(td) if td is not schema.EvalResults else td.__annotations__
    for key, v in value.items():
        if td is schema.EvalResults and key == "configs":
            # Annotated dict[str, dict[str, str | bool | None]], but lm-eval itself writes whole task
            # configs there (num_fewshot ints, metric_list lists, metadata dicts): check the outer shape.
            check_type(v, dict[str, dict], f"{where}.{key}")
        elif key in hints:
            check_type(v, hints[key], f"{where}.{key}")
        elif key not in extra_ok:
            fail(f"{where}: key {key!r} is not in lm-eval's {td.__name__}")
    for key in getattr(td, "__required_keys__", ()):
        if key not in value: fail(f"{where}: lacks required key {key!r}")

def lm_eval_functions(relative_path, names, namespace):
    """Functions from an lm-eval source file, compiled from its own source without the file's
    other imports (the TruthfulQA utils and the metrics module import datasets, sacrebleu, sklearn
    … for other metrics) and without registry decorators."""
    import ast
    path = os.path.join(os.path.dirname(utils.__file__), *relative_path.split("/"))
    tree = ast.parse(open(path, encoding="utf-8").read())
    wanted = [n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name in names]
    for n in wanted: n.decorator_list = []
    exec(compile(ast.Module(body=wanted, type_ignores=[]), path, "exec"), namespace)
    return [namespace[n] for n in names]

def load_mc2():
    import numpy as np
    return lm_eval_functions("tasks/truthfulqa/utils.py", ["process_results_mc2"], {"np": np})[0]

def load_aggregations():
    namespace = {"math": math, "Sequence": typing.Sequence, "T": typing.TypeVar("T")}
    mean, _, mean_stderr = lm_eval_functions("api/metrics.py", ["mean", "sample_stddev", "mean_stderr"], namespace)
    return mean, mean_stderr

def main(root):
    files = sorted(glob.glob(os.path.join(root, "**", "*.json*"), recursive=True))
    results_files = utils.get_results_filenames(files)
    sample_files = utils.get_sample_results_filenames(files)
    if len(results_files) != 1 or not sample_files: fail(f"expected one results_*.json and samples files, found {files}")
    latest = utils.get_latest_filename(results_files)
    results = json.load(open(latest, encoding="utf-8"))
    check_typed_dict(results, schema.EvalResults, "results.json", extra_ok=("truthkit",))
    mc2 = load_mc2()
    mean, mean_stderr = load_aggregations()
    for path in sample_files:
        task = utils.get_file_task_name(os.path.basename(path))
        if utils.get_file_datetime(path) != utils.get_file_datetime(latest.replace(".json", ".jsonl")):
            fail(f"{path}: its date does not match {latest}")
        entry = results["results"].get(task) or fail(f"results.json has no task {task}")
        check_typed_dict(entry, schema._TaskMetrics, f"results.{task}",
                         extra_ok=tuple(k for k in entry if "," in k))
        check_typed_dict(results["n-samples"][task], schema._SampleCount, f"n-samples.{task}")
        samples = [json.loads(line) for line in open(path, encoding="utf-8")]
        per_metric = {}
        for s in samples:
            check_typed_dict(s, schema.SampleResult, f"{task}[{s['doc_id']}]", extra_ok=tuple(s["metrics"]))
            if s["doc_hash"] != utils.hash_string(json.dumps(s["doc"], indent=2, ensure_ascii=False)): fail(f"{task}[{s['doc_id']}]: doc_hash")
            if s["prompt_hash"] != utils.hash_string(s["arguments"]["gen_args_0"]["arg_0"]): fail(f"{task}[{s['doc_id']}]: prompt_hash")
            if s["target_hash"] != utils.hash_string(s["target"]): fail(f"{task}[{s['doc_id']}]: target_hash")
            for m in s["metrics"]: per_metric.setdefault(m, []).append(s[m])
            if task in ("truthfulqa_mc1", "truthfulqa_mc2"):
                lls = [(float(r[0]), r[1]) for r in s["filtered_resps"]]
                if task == "truthfulqa_mc2":
                    ours, theirs = s["acc"], float(mc2(s["doc"], lls)["acc"])
                else:
                    best = max(range(len(lls)), key=lambda i: lls[i][0])
                    ours, theirs = s["acc"], 1.0 if best == int(s["target"]) else 0.0
                if abs(ours - theirs) > 1e-6: fail(f"{task}[{s['doc_id']}]: acc {ours} but lm-eval computes {theirs}")
        hashes = "".join(s["doc_hash"] + s["prompt_hash"] + s["target_hash"] for s in samples)
        if results["task_hashes"][task] != utils.hash_string(hashes): fail(f"task_hashes.{task}")
        for m, values in per_metric.items():
            if abs(entry[f"{m},none"] - mean(values)) > 1e-12: fail(f"{task} {m}: {entry[f'{m},none']} vs mean {mean(values)}")
            if len(values) > 1 and abs(entry[f"{m}_stderr,none"] - mean_stderr(values)) > 1e-12: fail(f"{task} {m}_stderr")
        print(f"ok {task}: {len(samples)} samples, " + ", ".join(f"{m} {entry[m + ',none']:.4f}" for m in per_metric))
    print(f"ok {os.path.basename(latest)}: every field matches lm-eval {getattr(utils, '__version__', '')}".rstrip())

if __name__ == "__main__":
    try:
        main(sys.argv[1])
    except Mismatch as error:
        print("MISMATCH:", error); sys.exit(1)
