#!/usr/bin/env bash
# lm-evaluation-harness (from PyPI) with its `local-completions` model pointed at `truthkit serve`
# must compute the same truthfulqa_mc1/mc2 as `truthkit eval` on the same items (within 1e-4).
#
#   bash scripts/verify/lmeval_against_serve.sh [--limit N] [--model M] [--port P]
#
# lm-eval reaches no hub: the tasks are lm-eval's own truthfulqa_mc1/mc2 YAMLs with the dataset
# pointed at the pinned local copy ($TRUTHKIT_DATA_DIR/truthfulqa/mc_en.jsonl). It tokenizes
# through the server (`/tokenizer_info` + `/tokenize`, lm-eval's "remote" tokenizer backend), sends
# token-id prompts with echo=true, logprobs=1, max_tokens=1, and sums the prompt tokens'
# log-probabilities past the context, as it does against vLLM.
set -euo pipefail
cd "$(dirname "$0")/../.."
LIMIT=20; MODEL=smollm2-135m-instruct; PORT=18473
while [ $# -gt 0 ]; do
  case "$1" in
    --limit) LIMIT=$2; shift 2 ;;
    --model) MODEL=$2; shift 2 ;;
    --port) PORT=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
DATA=${TRUTHKIT_DATA_DIR:-$(cd .. && pwd)/shared/data}
[ -f "$DATA/truthfulqa/mc_en.jsonl" ] || { echo "no $DATA/truthfulqa/mc_en.jsonl; set TRUTHKIT_DATA_DIR" >&2; exit 1; }
VENV=${LMEVAL_VENV:-.venv-lmeval}
if ! "$VENV/bin/python" -c "import lm_eval, tenacity" 2>/dev/null; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q 'lm-eval[api]==0.4.13'
fi
# TRUTHKIT_BIN: an already-built binary (skips the release build).
if [ -n "${TRUTHKIT_BIN:-}" ]; then
  BIN=$TRUTHKIT_BIN
else
  swift build -c release --product truthkit >/dev/null
  BIN=$(swift build -c release --show-bin-path)/truthkit
fi
OUT=$(mktemp -d)
trap 'kill $SERVER 2>/dev/null || true; rm -rf "$OUT"' EXIT

TASKS_DIR=$("$VENV/bin/python" -c 'import lm_eval.tasks, os; print(os.path.dirname(lm_eval.tasks.__file__))')
mkdir -p "$OUT/tasks"
for t in mc1 mc2; do
  sed -e "s#@LMEVAL_TASKS@#$TASKS_DIR#" -e "s#@DATA@#$DATA#" scripts/verify/truthfulqa_local_$t.yaml.in > "$OUT/tasks/truthfulqa_local_$t.yaml"
done
cp "$TASKS_DIR/truthfulqa/utils.py" "$OUT/tasks/utils.py"

"$BIN" serve --model "$MODEL" --port "$PORT" --model-id "$MODEL" &
SERVER=$!
for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$PORT/health" >/dev/null && break; sleep 0.5; done

HF_DATASETS_OFFLINE=1 HF_HUB_OFFLINE=1 "$VENV/bin/lm_eval" --model local-completions \
  --model_args "base_url=http://127.0.0.1:$PORT/v1/completions,model=$MODEL,tokenizer_backend=remote,tokenized_requests=True,num_concurrent=1,max_retries=1" \
  --include_path "$OUT/tasks" --tasks truthfulqa_local_mc1,truthfulqa_local_mc2 --limit "$LIMIT" \
  --output_path "$OUT/lmeval" >"$OUT/lmeval.log" 2>&1 || { tail -40 "$OUT/lmeval.log"; exit 1; }

"$BIN" eval --model "$MODEL" --task truthfulqa-mc --limit "$LIMIT" --data "$DATA/truthfulqa/mc_en.jsonl" --store "$OUT/runs.sqlite" --json > "$OUT/truthkit.json"
"$VENV/bin/python" scripts/verify/compare_lmeval.py "$OUT/lmeval" "$OUT/truthkit.json"
