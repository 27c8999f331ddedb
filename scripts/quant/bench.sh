#!/bin/sh
# Builds and runs the dequantisation benchmark with the same C flags as the CTKKernels target.
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
out=${TMPDIR:-/tmp}/tk_bench_dequant
cc=${CC:-clang}
"$cc" -std=c11 -O3 -mavx2 -mfma -mf16c -ffp-contract=fast -I"$root/Sources/CTKKernels/include" \
    "$root/scripts/quant/bench_dequant.c" "$root/Sources/CTKKernels/dequant.c" "$root/Sources/CTKKernels/quantize.c" \
    -lm -o "$out"
"$out"
