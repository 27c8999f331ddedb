#!/usr/bin/env bash
# TruthKit's OpenAI client against llama.cpp's OpenAI-compatible server (llama-cpp-python[server]
# from PyPI) on the default model: the MC task runs end to end through /v1/completions with echo
# and logprobs. Prints TruthKit's results JSON for the served run, then the native run beside it.
#
#   bash scripts/verify/client_against_llamacpp_server.sh [--limit N] [--port P]
#
# Env: TRUTHKIT_BIN (a built truthkit; default: release build), PEERS_VENV (a venv with
# llama-cpp-python[server]; created as .venv-peers when missing), TRUTHKIT_DATA_DIR.
# Note: llama-cpp-python 0.3.x's server reports echoed prompt log-probabilities that differ from
# llama.cpp's own (seen here: up to several nats per token), so its MC numbers are not expected to
# equal the native engine's; this script checks that the whole path works, not the server's maths.
# That server also reads `max_tokens: 0` as "until the context is full": the client's first scoring
# request generates ~2,000 tokens (minutes on 2 cores) before the client detects it and switches the
# endpoint to `max_tokens: 1`; hence the long --request-timeout below.
set -euo pipefail
cd "$(dirname "$0")/../.."
LIMIT=5
PORT=18090
while [ $# -gt 0 ]; do
  case "$1" in
    --limit) LIMIT=$2; shift 2 ;;
    --port) PORT=$2; shift 2 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
MODEL=${TRUTHKIT_MODEL:-$HOME/.cache/truthkit/models/SmolLM2-135M-Instruct.Q4_1.gguf}
DATA=${TRUTHKIT_DATA_DIR:-$(cd .. && pwd)/shared/data}
VENV=${PEERS_VENV:-.venv-peers}
if ! "$VENV/bin/python" -c "import llama_cpp.server.app" 2>/dev/null; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q 'llama-cpp-python[server]'
fi
if [ -n "${TRUTHKIT_BIN:-}" ]; then BIN=$TRUTHKIT_BIN; else
  swift build -c release --product truthkit >/dev/null
  BIN=$(swift build -c release --show-bin-path)/truthkit
fi
OUT=$(mktemp -d)
"$VENV/bin/python" -m llama_cpp.server --model "$MODEL" --host 127.0.0.1 --port "$PORT" --n_ctx 2048 --n_threads 2 \
  --model_alias smollm2 > "$OUT/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true; rm -rf "$OUT"' EXIT
for _ in $(seq 1 120); do
  curl -sf "http://127.0.0.1:$PORT/v1/models" >/dev/null && break
  kill -0 $SERVER 2>/dev/null || { echo "llama.cpp server exited:" >&2; tail -20 "$OUT/server.log" >&2; exit 1; }
  sleep 1
done
echo "served (llama.cpp server, through TruthKit's OpenAI client):"
"$BIN" eval --backend openai --base-url "http://127.0.0.1:$PORT/v1" --model smollm2 --concurrency 1 --request-timeout 1800 \
  --data "$DATA/truthfulqa/mc_en.jsonl" --limit "$LIMIT" --store "$OUT/runs.sqlite" --json
echo "native:"
"$BIN" eval --model "$MODEL" --data "$DATA/truthfulqa/mc_en.jsonl" --limit "$LIMIT" --store "$OUT/runs.sqlite" --json
