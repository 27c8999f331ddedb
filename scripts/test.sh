#!/usr/bin/env bash
# The test command: system deps, a debug build, the default model (pulled and checksum-verified
# once into $TRUTHKIT_HOME), then the whole test suite against ../shared.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-system-deps.sh
swift build --build-tests
.build/debug/truthkit models pull smollm2-135m-instruct
export TRUTHKIT_SHARED_DIR="${TRUTHKIT_SHARED_DIR:-$(cd .. && pwd)/shared}"
export TRUTHKIT_DATA_DIR="${TRUTHKIT_DATA_DIR:-$TRUTHKIT_SHARED_DIR/data}"
swift test --skip-build "$@"
