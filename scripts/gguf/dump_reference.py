#!/usr/bin/env python3
"""Cross-check TruthKit's GGUF reader against gguf-py, llama.cpp's own Python reader.

Runs `truthkit inspect --json --all-metadata` and compares what it reports with gguf-py's
`GGUFReader` on the same file: GGUF version, alignment, data offset, every metadata key in order
(type, element type, full value), and every tensor (name, type, shape, byte size, absolute
offset). Exits 0 when they agree, 1 when they differ (listing the differences), 2 on usage errors.

With --fixture it also writes a small file with gguf-py's *writer* (every scalar type, typed and
nested arrays, a custom alignment, F32/F16/Q8_0/Q4_1 tensors) and checks that TruthKit reads
back exactly what was written, so the reader is tested against an independent writer too.

    scripts/gguf/dump_reference.py [MODEL] [--truthkit BIN] [--fixture] [--dump OUT.json]

MODEL defaults to $TRUTHKIT_MODEL, else ~/.cache/truthkit/models/SmolLM2-135M-Instruct.Q4_1.gguf.
BIN defaults to the first truthkit binary found under .build*/{debug,release}/. Needs numpy and
gguf (pip install gguf).
"""

from __future__ import annotations

import argparse
import glob
import json
import math
import os
import struct
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

try:
    import numpy as np
    import gguf
    from gguf import GGUFReader, GGUFValueType, GGUFWriter
except ImportError as error:  # pragma: no cover - depends on the environment
    sys.exit(f"error: {error}; install the reference reader with `pip install gguf` (it brings numpy)")

REPO = Path(__file__).resolve().parents[2]
DEFAULT_MODEL = Path.home() / ".cache/truthkit/models/SmolLM2-135M-Instruct.Q4_1.gguf"

# gguf-py's value type names → the names `truthkit inspect --json` uses.
TYPE_NAMES = {
    GGUFValueType.UINT8: "uint8", GGUFValueType.INT8: "int8", GGUFValueType.UINT16: "uint16",
    GGUFValueType.INT16: "int16", GGUFValueType.UINT32: "uint32", GGUFValueType.INT32: "int32",
    GGUFValueType.FLOAT32: "float32", GGUFValueType.BOOL: "bool", GGUFValueType.STRING: "string",
    GGUFValueType.ARRAY: "array", GGUFValueType.UINT64: "uint64", GGUFValueType.INT64: "int64",
    GGUFValueType.FLOAT64: "float64",
}


# ---------------------------------------------------------------- reading both sides

def reference(path: Path) -> dict[str, Any]:
    """What gguf-py's reader sees in `path`, in the shape of `truthkit inspect --json`."""
    reader = GGUFReader(str(path))
    metadata = []
    for key, field in reader.fields.items():
        if key.startswith("GGUF."):  # gguf-py's pseudo-fields for the fixed header
            continue
        entry: dict[str, Any] = {"key": key, "type": TYPE_NAMES[field.types[0]]}
        if field.types[0] == GGUFValueType.ARRAY:
            # gguf-py flattens nested arrays; `types` lists the nesting as seen in element 0.
            entry["types"] = [TYPE_NAMES[t] for t in field.types]
            entry["element_type"] = entry["types"][1] if len(field.types) > 1 else None
        entry["value"] = field.contents()
        metadata.append(entry)
    tensors = [
        {
            "name": t.name,
            "type": t.tensor_type.name,
            "shape": [int(d) for d in t.shape],
            "bytes": int(t.n_bytes),
            "offset": int(t.data_offset),
        }
        for t in reader.tensors
    ]
    return {
        "gguf_version": int(reader.fields["GGUF.version"].contents()),
        "alignment": int(reader.alignment),
        "data_offset": int(reader.data_offset),
        "size_bytes": path.stat().st_size,
        "metadata": metadata,
        "tensors": tensors,
    }


def find_truthkit() -> Path | None:
    candidates = sorted(glob.glob(str(REPO / ".build*/*/truthkit")) + glob.glob(str(REPO / ".build*/*/*/truthkit")),
                        key=lambda p: os.path.getmtime(p), reverse=True)
    return Path(candidates[0]) if candidates else None


def ours(path: Path, binary: Path) -> dict[str, Any]:
    """What `truthkit inspect --json --all-metadata` reports for `path`."""
    run = subprocess.run([str(binary), "inspect", "--json", "--all-metadata", str(path)],
                         capture_output=True, text=True)
    if run.returncode != 0:
        raise SystemExit(f"error: truthkit inspect failed on {path} (exit {run.returncode}):\n{run.stderr.strip()}")
    return json.loads(run.stdout)


# ---------------------------------------------------------------- comparing

def flatten(value: Any) -> list[Any]:
    if isinstance(value, list):
        return [x for item in value for x in flatten(item)]
    return [value]


def same_scalar(kind: str, a: Any, b: Any) -> bool:
    """Equality at the precision of the on-disk type; TruthKit writes NaN/inf as strings."""
    if kind in ("float32", "float64"):
        fa, fb = float(a), float(b)  # float() also parses "nan", "inf" and "-inf"
        if math.isnan(fa) or math.isnan(fb):
            return math.isnan(fa) and math.isnan(fb)
        if kind == "float32":
            return struct.pack("<f", fa) == struct.pack("<f", fb)
        return struct.pack("<d", fa) == struct.pack("<d", fb)
    if kind == "bool":
        return isinstance(a, bool) and bool(a) == bool(b)
    return a == b


def same_value(leaf: str, a: Any, b: Any) -> bool:
    """Same nesting, and equal leaves at the precision of `leaf`."""
    if isinstance(a, list) or isinstance(b, list):
        return (isinstance(a, list) and isinstance(b, list) and len(a) == len(b)
                and all(same_value(leaf, x, y) for x, y in zip(a, b)))
    return same_scalar(leaf, a, b)


def compare(mine: dict[str, Any], ref: dict[str, Any], label: str) -> list[str]:
    diffs: list[str] = []
    for field in ("gguf_version", "alignment", "data_offset", "size_bytes"):
        if mine.get(field) != ref.get(field):
            diffs.append(f"{label}: {field}: truthkit {mine.get(field)!r}, gguf-py {ref.get(field)!r}")

    my_keys = [m["key"] for m in mine["metadata"]]
    ref_keys = [m["key"] for m in ref["metadata"]]
    if my_keys != ref_keys:
        diffs.append(f"{label}: metadata keys differ: only truthkit {sorted(set(my_keys) - set(ref_keys))}, "
                     f"only gguf-py {sorted(set(ref_keys) - set(my_keys))}, same order {my_keys == ref_keys}")
    ref_by_key = {m["key"]: m for m in ref["metadata"]}
    for m in mine["metadata"]:
        r = ref_by_key.get(m["key"])
        if r is None:
            continue
        key = m["key"]
        if m["type"] != r["type"]:
            diffs.append(f"{label}: {key}: type truthkit {m['type']}, gguf-py {r['type']}")
            continue
        if m["type"] != "array":
            if not same_scalar(m["type"], m["value"], r["value"]):
                diffs.append(f"{label}: {key}: value truthkit {m['value']!r}, gguf-py {r['value']!r}")
            continue
        if m.get("truncated"):
            diffs.append(f"{label}: {key}: truthkit output is truncated; run with --all-metadata")
            continue
        if r["element_type"] is not None and m["element_type"] != r["element_type"]:
            diffs.append(f"{label}: {key}: element type truthkit {m['element_type']}, gguf-py {r['element_type']}")
        leaf = r["types"][-1]
        mine_flat, ref_flat = flatten(m["value"]), list(r["value"])
        if len(mine_flat) != len(ref_flat):
            diffs.append(f"{label}: {key}: {len(mine_flat)} elements (flattened) in truthkit, {len(ref_flat)} in gguf-py")
            continue
        bad = [i for i, (a, b) in enumerate(zip(mine_flat, ref_flat)) if not same_scalar(leaf, a, b)]
        if bad:
            i = bad[0]
            diffs.append(f"{label}: {key}: {len(bad)} elements differ, first at {i}: truthkit {mine_flat[i]!r}, gguf-py {ref_flat[i]!r}")

    if len(mine["tensors"]) != len(ref["tensors"]):
        diffs.append(f"{label}: tensor count truthkit {len(mine['tensors'])}, gguf-py {len(ref['tensors'])}")
    for a, b in zip(mine["tensors"], ref["tensors"]):
        for field in ("name", "type", "shape", "bytes", "offset"):
            if a[field] != b[field]:
                diffs.append(f"{label}: tensor {b['name']}: {field} truthkit {a[field]!r}, gguf-py {b[field]!r}")
    return diffs


# ---------------------------------------------------------------- fixture written by gguf-py

def write_fixture(path: Path) -> list[tuple[str, str, str, Any]]:
    """Writes a small GGUF with gguf-py's writer; returns (key, type, leaf type, value) as written."""
    w = GGUFWriter(str(path), arch="llama")  # adds general.architecture first
    w.add_custom_alignment(64)
    scalars = [
        ("t.uint8", GGUFValueType.UINT8, 255), ("t.int8", GGUFValueType.INT8, -128),
        ("t.uint16", GGUFValueType.UINT16, 65535), ("t.int16", GGUFValueType.INT16, -32768),
        ("t.uint32", GGUFValueType.UINT32, 4_000_000_000), ("t.int32", GGUFValueType.INT32, -2_000_000_000),
        ("t.float32", GGUFValueType.FLOAT32, 1e-5), ("t.bool", GGUFValueType.BOOL, True),
        ("t.string", GGUFValueType.STRING, "héllo 🌍\nline"), ("t.uint64", GGUFValueType.UINT64, 2**64 - 1),
        ("t.int64", GGUFValueType.INT64, -(2**63)), ("t.float64", GGUFValueType.FLOAT64, -math.pi),
        ("t.float32_inf", GGUFValueType.FLOAT32, float("inf")),
    ]
    written: list[tuple[str, str, str, Any]] = [
        ("general.architecture", "string", "string", "llama"), ("general.alignment", "uint32", "uint32", 64)]
    for key, vtype, value in scalars:
        w.add_key_value(key, value, vtype)
        written.append((key, TYPE_NAMES[vtype], TYPE_NAMES[vtype], value))
    arrays = [
        ("t.array_uint8", GGUFValueType.UINT8, [0, 1, 255]),
        ("t.array_int16", GGUFValueType.INT16, [-1, 2]),
        ("t.array_float32", GGUFValueType.FLOAT32, [0.5, -2.25]),
        ("t.array_float64", GGUFValueType.FLOAT64, [1e300]),
        ("t.array_bool", GGUFValueType.BOOL, [True, False]),
        ("t.array_string", GGUFValueType.STRING, ["a", "", "ü"]),
        ("t.array_int64", GGUFValueType.INT64, [-5, 2**62]),
    ]
    for key, sub, value in arrays:
        w.add_key_value(key, value, GGUFValueType.ARRAY, sub_type=sub)
        written.append((key, "array", TYPE_NAMES[sub], value))
    w.add_array("t.array_of_arrays", [[1, 2], [3, 4, 5]])  # nested, int32 leaves
    written.append(("t.array_of_arrays", "array", "int32", [[1, 2], [3, 4, 5]]))

    rng = np.random.default_rng(0)
    w.add_tensor("f32", rng.standard_normal((3, 8)).astype(np.float32))
    w.add_tensor("f16", rng.standard_normal((64,)).astype(np.float16))
    w.add_tensor("q8_0", rng.integers(0, 256, size=(2, 68), dtype=np.uint8),
                 raw_dtype=gguf.GGMLQuantizationType.Q8_0)
    w.add_tensor("q4_1", rng.integers(0, 256, size=(1, 40), dtype=np.uint8),
                 raw_dtype=gguf.GGMLQuantizationType.Q4_1)
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    return written


def check_fixture(binary: Path) -> list[str]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "fixture.gguf"
        written = write_fixture(path)
        mine = ours(path, binary)
        diffs = compare(mine, reference(path), "fixture")
        got = {m["key"]: m for m in mine["metadata"]}
        for key, kind, leaf, value in written:
            m = got.get(key)
            if m is None:
                diffs.append(f"fixture: {key} missing from truthkit's output")
            elif m["type"] != kind:
                diffs.append(f"fixture: {key}: truthkit type {m['type']}, written {kind}")
            elif not same_value(leaf, m["value"], value):
                diffs.append(f"fixture: {key}: truthkit {m['value']!r}, written {value!r}")
        if mine["alignment"] != 64:
            diffs.append(f"fixture: alignment truthkit {mine['alignment']}, written 64")
        return diffs


# ---------------------------------------------------------------- main

def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("model", nargs="?", type=Path,
                        default=Path(os.environ.get("TRUTHKIT_MODEL", DEFAULT_MODEL)))
    parser.add_argument("--truthkit", type=Path, help="truthkit binary (default: newest under .build*/)")
    parser.add_argument("--fixture", action="store_true", help="also check a fixture written by gguf-py's writer")
    parser.add_argument("--dump", type=Path, help="write gguf-py's view of MODEL to this JSON file")
    args = parser.parse_args()

    binary = args.truthkit or find_truthkit()
    if binary is None or not binary.exists():
        print("error: no truthkit binary; build one with `swift build` or pass --truthkit", file=sys.stderr)
        return 2
    if not args.model.exists():
        print(f"error: {args.model}: no such file; set TRUTHKIT_MODEL or run `truthkit models pull`", file=sys.stderr)
        return 2

    ref = reference(args.model)
    if args.dump:
        args.dump.write_text(json.dumps(ref, ensure_ascii=False, indent=1, default=str))
    diffs = compare(ours(args.model, binary), ref, args.model.name)
    if args.fixture:
        diffs += check_fixture(binary)

    counts = {}
    for t in ref["tensors"]:
        counts[t["type"]] = counts.get(t["type"], 0) + 1
    print(f"{args.model.name}: gguf-py {gguf.__name__} sees version {ref['gguf_version']}, "
          f"{len(ref['metadata'])} keys, {len(ref['tensors'])} tensors {counts}, data at {ref['data_offset']}")
    if diffs:
        print(f"DISAGREE: {len(diffs)} difference(s)")
        for d in diffs[:50]:
            print("  " + d)
        return 1
    print("AGREE: truthkit and gguf-py report the same metadata (every value) and tensor table"
          + (", and truthkit reads back gguf-py's fixture exactly" if args.fixture else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
