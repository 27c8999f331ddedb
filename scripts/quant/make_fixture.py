#!/usr/bin/env python3
"""Builds Tests/TKKernelsTests/Fixtures/quant_oracle.json with gguf-py as the independent oracle.

For each of the 11 block types TruthKit reads, a few blocks are made from seeded random bytes
(half-float scale fields overwritten with finite values of sane magnitude) and decoded with
`gguf.quants.dequantize`. For the types gguf-py can encode (F16, BF16, Q4_0, Q4_1, Q5_0, Q5_1,
Q8_0), seeded float rows (plus edge blocks: zeros, a constant, an outlier) are encoded with
`gguf.quants.quantize`. Floats are stored as the hex of their little-endian float32 bits, so NaN,
infinities, -0 and subnormals survive JSON and comparisons can be exact.

Run: /work/peers-venv/bin/python scripts/quant/make_fixture.py   (needs `pip install gguf numpy`)
"""
import importlib.metadata
import json
import pathlib
import sys

import numpy as np
import gguf
from gguf import GGMLQuantizationType as T
from gguf.quants import dequantize, quantize

SEED = 20240611
OUT = pathlib.Path(__file__).resolve().parents[2] / "Tests/TKKernelsTests/Fixtures/quant_oracle.json"

rng = np.random.default_rng(SEED)


def f32_hex(a) -> str:
    return np.asarray(a, dtype="<f4").tobytes().hex()


def half(values) -> np.ndarray:
    """Little-endian half bits of `values` as a (n, 2) uint8 array."""
    return np.asarray(values, dtype="<f2").view(np.uint8).reshape(-1, 2)


def sane_halves(n, lo=-8.0, hi=1.0, signed=True) -> np.ndarray:
    """n finite half floats with magnitude 2^U(lo, hi), random sign when `signed`."""
    mag = np.exp2(rng.uniform(lo, hi, size=n))
    if signed:
        mag *= rng.choice([-1.0, 1.0], size=n)
    return half(mag)


# (type, block count, {byte offset of a half field: (lo, hi, signed)})
LAYOUTS = [
    (T.Q4_0, 4, {0: (-8, 1, True)}),
    (T.Q4_1, 4, {0: (-8, 1, True), 2: (-6, 2, True)}),
    (T.Q5_0, 4, {0: (-8, 1, True)}),
    (T.Q5_1, 4, {0: (-8, 1, True), 2: (-6, 2, True)}),
    (T.Q8_0, 4, {0: (-10, -2, True)}),
    (T.Q4_K, 2, {0: (-12, -4, True), 2: (-12, -4, True)}),
    (T.Q5_K, 2, {0: (-12, -4, True), 2: (-12, -4, True)}),
    (T.Q6_K, 2, {208: (-12, -4, True)}),
]


def dequant_case(qtype, data: np.ndarray) -> dict:
    expected = dequantize(data, qtype).astype("<f4").reshape(-1)
    return {"type": int(qtype), "name": qtype.name, "count": int(expected.size),
            "bytes": data.tobytes().hex(), "expected": f32_hex(expected)}


def dequant_cases() -> list:
    cases = []
    for qtype, nblocks, halves in LAYOUTS:
        block_size, type_size = gguf.GGML_QUANT_SIZES[qtype]
        blocks = rng.integers(0, 256, size=(nblocks, type_size), dtype=np.uint8)
        for offset, (lo, hi, signed) in halves.items():
            blocks[:, offset:offset + 2] = sane_halves(nblocks, lo, hi, signed)
        cases.append(dequant_case(qtype, blocks.reshape(-1)))

    # F16: random bit patterns (so NaN, inf and subnormals occur) plus the special values.
    specials = [0x0000, 0x8000, 0x0001, 0x8001, 0x03FF, 0x0400, 0x3C00, 0x7BFF, 0xFBFF,
                0x7C00, 0xFC00, 0x7E00, 0x7C01, 0xFE01, 0x3555, 0xC000]
    f16 = np.concatenate([rng.integers(0, 1 << 16, size=80, dtype=np.uint16),
                          np.array(specials, dtype=np.uint16)]).astype("<u2")
    cases.append(dequant_case(T.F16, f16.view(np.uint8)))

    # BF16: random bit patterns (NaNs included) plus a few specials.
    bf16 = np.concatenate([rng.integers(0, 1 << 16, size=88, dtype=np.uint16),
                           np.array([0x0000, 0x8000, 0x3F80, 0x7F80, 0xFF80, 0x7FC0, 0x0001, 0x7F7F],
                                    dtype=np.uint16)]).astype("<u2")
    cases.append(dequant_case(T.BF16, bf16.view(np.uint8)))

    # F32: normal values plus specials (NaN with a payload, infinities, -0, subnormals).
    f32 = rng.standard_normal(56).astype("<f4")
    spec = np.array([0x7FC00001, 0xFF800000, 0x7F800000, 0x80000000, 0x00000001, 0x807FFFFF,
                     0x7F7FFFFF, 0x3F800000], dtype="<u4").view("<f4")
    f32 = np.concatenate([f32, spec])
    cases.append(dequant_case(T.F32, f32.view(np.uint8)))
    return cases


def quant_input(block_size: int, nblocks: int) -> np.ndarray:
    rows = [rng.standard_normal((nblocks, block_size)) * np.exp2(rng.uniform(-6, 3, size=(nblocks, 1)))]
    edge = np.zeros((4, block_size))
    edge[1, :] = 0.75                       # constant block
    edge[2, :] = rng.uniform(-0.01, 0.01, block_size)
    edge[2, 5] = -3.0                       # negative outlier sets the scale
    edge[3, :] = np.linspace(-1.0, 2.0, block_size)
    rows.append(edge)
    return np.concatenate(rows).astype("<f4").reshape(-1)


def quant_cases() -> list:
    cases = []
    for qtype in [T.Q4_0, T.Q4_1, T.Q5_0, T.Q5_1, T.Q8_0]:
        x = quant_input(32, 6)
        q = quantize(x, qtype)
        cases.append({"type": int(qtype), "name": qtype.name, "count": int(x.size),
                      "input": f32_hex(x), "expected": np.asarray(q).view(np.uint8).tobytes().hex()})
    # Half and bfloat16: a spread of magnitudes, ties and overflow (NaN only for BF16: numpy keeps
    # signalling-NaN payloads on the half path where F16C quietens them).
    base = np.concatenate([
        rng.standard_normal(48) * np.exp2(rng.uniform(-30, 20, size=48)),
        [65504.0, 65519.0, 65520.0, 1e6, -1e6, 6.0e-8, 2.0 ** -25, 3.0 * 2.0 ** -26, 2.0 ** -24 * 1.5,
         1.0 + 2.0 ** -11, 1.0 + 3 * 2.0 ** -11, -0.0, np.inf, -np.inf, 1.0 + 2.0 ** -8, 1.0 + 3 * 2.0 ** -8],
    ]).astype("<f4")
    for qtype, x in [(T.F16, base),
                     (T.BF16, np.concatenate([base, np.array([0x7F800001, 0xFFC12345], dtype="<u4").view("<f4")]))]:
        q = quantize(x, qtype) if qtype != T.F16 else x.astype("<f2")
        cases.append({"type": int(qtype), "name": qtype.name, "count": int(x.size),
                      "input": f32_hex(x), "expected": np.asarray(q).view(np.uint8).tobytes().hex()})
    return cases


def main() -> int:
    with np.errstate(all="ignore"):
        doc = {
            "about": "Oracle data for TKKernelsTests/QuantOracleTests; generated by scripts/quant/make_fixture.py",
            "seed": SEED,
            "numpy": np.__version__,
            "gguf": importlib.metadata.version("gguf"),
            "dequantize": dequant_cases(),
            "quantize": quant_cases(),
        }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(doc, indent=1) + "\n")
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
