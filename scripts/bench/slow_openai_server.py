#!/usr/bin/env python3
"""A minimal OpenAI-compatible server on 127.0.0.1 that answers every request after a fixed delay.

For measuring what the client side does with latency (concurrency across items), not for scoring:
echoed prompts are split into one token per character with deterministic, non-zero log-probabilities
(so they spell the prompt and the offsets add up), and generation returns a fixed short answer.

    python3 scripts/bench/slow_openai_server.py --port 8765 --delay 0.2
"""
import argparse
import hashlib
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def logprob(prefix: str, ch: str) -> float:
    h = hashlib.sha256((prefix[-16:] + "\x00" + ch).encode()).digest()
    return -0.05 - 4.0 * h[0] / 255.0


class Handler(BaseHTTPRequestHandler):
    delay = 0.2
    model = "slow-model"
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def reply(self, obj, status=200):
        body = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        if self.path.rstrip("/").endswith("/models"):
            self.reply({"object": "list", "data": [{"id": self.model, "object": "model", "owned_by": "bench"}]})
        elif self.path.endswith("/health"):
            self.reply({"status": "ok"})
        else:
            self.reply({"error": {"message": "not found", "type": "invalid_request_error"}}, 404)

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        req = json.loads(self.rfile.read(length) or b"{}")
        time.sleep(self.delay)
        if not self.path.rstrip("/").endswith("/completions"):
            self.reply({"error": {"message": "only /v1/completions", "type": "invalid_request_error"}}, 404)
            return
        prompt = req.get("prompt", "")
        if isinstance(prompt, list):
            prompt = prompt[0]
        max_tokens = int(req.get("max_tokens", 16))
        text, tokens, lps, offsets = "", [], [], []
        if req.get("echo"):
            text = prompt
            for i, ch in enumerate(prompt):
                tokens.append(ch)
                offsets.append(i)
                lps.append(None if i == 0 else logprob(prompt[:i], ch))
        answer = " Nothing happens." if max_tokens > 0 else ""
        for ch in answer[:max_tokens]:
            tokens.append(ch)
            offsets.append(len(text))
            lps.append(logprob(text, ch))
            text += ch
        choice = {"index": 0, "text": text, "finish_reason": "stop" if max_tokens > 0 else "length"}
        if req.get("logprobs") is not None:
            choice["logprobs"] = {"tokens": tokens, "token_logprobs": lps, "text_offset": offsets,
                                  "top_logprobs": [None if lp is None else {t: lp} for t, lp in zip(tokens, lps)]}
        self.reply({"id": "cmpl-bench", "object": "text_completion", "created": int(time.time()), "model": self.model,
                    "choices": [choice], "usage": {"prompt_tokens": len(prompt), "completion_tokens": len(answer),
                                                   "total_tokens": len(prompt) + len(answer)}})


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, default=8765)
    ap.add_argument("--delay", type=float, default=0.2)
    a = ap.parse_args()
    Handler.delay = a.delay
    server = ThreadingHTTPServer(("127.0.0.1", a.port), Handler)
    server.daemon_threads = True
    print(f"slow OpenAI server on http://127.0.0.1:{a.port}/v1 (delay {a.delay} s)", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
