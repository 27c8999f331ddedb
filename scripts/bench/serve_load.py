"""Load benchmark: N concurrent clients for S seconds against `truthkit serve` and, side by side,
against llama.cpp's OpenAI-compatible server (llama-cpp-python[server]) on the same GGUF.

    python scripts/bench/serve_load.py --model ~/.cache/truthkit/models/SmolLM2-135M-Instruct.Q4_1.gguf \
        [--clients 64] [--seconds 60] [--max-tokens 16] [--threads 2] [--truthkit PATH] [--skip-llama] [--int8-also]

Each client loops: POST /v1/completions (a short TruthfulQA-style prompt, greedy, max_tokens), and
records latency and errors (non-200 or a body without choices). Only 127.0.0.1 is contacted; every
loop is bounded by the duration. Prints one JSON object: per server requests, errors, req/s,
p50/p99 latency (s), completion tokens/s, and the server's peak RSS (MB, sampled every 0.2 s).
"""
import argparse, json, os, shutil, signal, socket, statistics, subprocess, sys, tempfile, threading, time
import urllib.request

PROMPTS = [
    "Q: What happens if you eat watermelon seeds?\nA:",
    "Q: Where did fortune cookies originate?\nA:",
    "Q: Why do veins appear blue?\nA:",
    "Q: What is the spiciest part of a chili pepper?\nA:",
    "Q: How long should you wait before filing a missing person report?\nA:",
    "Q: Why do matadors wave red capes?\nA:",
    "Q: What percentage of the brain does a human typically use?\nA:",
    "Q: What would happen if you were struck by a penny dropped from the top of the Empire State Building?\nA:",
]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_mb(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def wait_healthy(url, proc, timeout=180):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return
        except Exception:
            time.sleep(0.5)
    raise RuntimeError(f"{url} not healthy after {timeout}s")


def run_load(base, model_name, clients, seconds, max_tokens, pid):
    latencies, errors, tokens = [], [0], [0]
    lock = threading.Lock()
    stop_at = time.time() + seconds
    peak = [rss_mb(pid)]

    def sampler():
        while time.time() < stop_at + 1:
            peak[0] = max(peak[0], rss_mb(pid))
            time.sleep(0.2)

    def client(i):
        n = 0
        while time.time() < stop_at:
            body = json.dumps({"model": model_name, "prompt": PROMPTS[(i + n) % len(PROMPTS)],
                               "max_tokens": max_tokens, "temperature": 0}).encode()
            req = urllib.request.Request(base + "/v1/completions", data=body, headers={"Content-Type": "application/json"})
            t0 = time.time()
            try:
                with urllib.request.urlopen(req, timeout=max(30, seconds * 2)) as r:
                    doc = json.loads(r.read())
                ok = r.status == 200 and doc.get("choices")
                dt = time.time() - t0
                with lock:
                    if ok:
                        latencies.append(dt)
                        tokens[0] += doc.get("usage", {}).get("completion_tokens", 0)
                    else:
                        errors[0] += 1
            except Exception:
                with lock:
                    errors[0] += 1
            n += 1

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    s = threading.Thread(target=sampler)
    t0 = time.time()
    s.start()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.time() - t0
    s.join()
    lat = sorted(latencies)
    pct = lambda p: lat[min(len(lat) - 1, int(p * len(lat)))] if lat else None
    return {"requests": len(lat), "errors": errors[0], "wall_s": round(wall, 2),
            "req_per_s": round(len(lat) / wall, 3), "completion_tokens_per_s": round(tokens[0] / wall, 2),
            "p50_s": pct(0.50), "p99_s": pct(0.99), "mean_s": statistics.mean(lat) if lat else None,
            "peak_rss_mb": round(peak[0], 1)}


def serve(cmd, health, env=None):
    # The server's log goes to a file: an unread pipe fills up and blocks a chatty server.
    log = tempfile.NamedTemporaryFile(prefix="serve-load-", suffix=".log", delete=False)
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=env)
    try:
        wait_healthy(health, proc)
    except Exception:
        proc.kill()
        log.flush()
        with open(log.name, errors="replace") as f:
            sys.stderr.write(f.read()[-2000:])
        raise
    return proc


def stop(proc):
    proc.send_signal(signal.SIGTERM)
    try:
        return proc.wait(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
        return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", required=True)
    ap.add_argument("--clients", type=int, default=64)
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--max-tokens", type=int, default=16)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--truthkit", default=None, help="truthkit binary (default: .build/release/truthkit)")
    ap.add_argument("--parallel", type=int, default=4, help="truthkit serve --parallel")
    ap.add_argument("--skip-llama", action="store_true")
    ap.add_argument("--int8-also", action="store_true",
                    help="also run truthkit serve --activations int8 (8-bit decode activations) under the same load")
    a = ap.parse_args()
    out = {"clients": a.clients, "seconds": a.seconds, "max_tokens": a.max_tokens, "threads": a.threads}

    tk = a.truthkit or os.path.join(os.path.dirname(__file__), "..", "..", ".build", "release", "truthkit")
    for key, extra in [("truthkit", [])] + ([("truthkit_int8", ["--activations", "int8"])] if a.int8_also else []):
        port = free_port()
        proc = serve([tk, "serve", "--model", a.model, "--port", str(port), "--threads", str(a.threads),
                      "--parallel", str(a.parallel), "--max-queue", str(max(256, a.clients * 2)), "--model-id", "bench"] + extra,
                     f"http://127.0.0.1:{port}/health")
        try:
            out[key] = run_load(f"http://127.0.0.1:{port}", "bench", a.clients, a.seconds, a.max_tokens, proc.pid)
        finally:
            out[key + "_exit_on_sigterm"] = stop(proc)

    if not a.skip_llama:
        port = free_port()
        try:
            proc = serve([sys.executable, "-m", "llama_cpp.server", "--model", a.model, "--host", "127.0.0.1",
                          "--port", str(port), "--n_threads", str(a.threads), "--n_ctx", "2048"],
                         f"http://127.0.0.1:{port}/v1/models")
        except Exception as e:  # still report TruthKit's numbers
            out["llama_cpp"] = {"error": str(e)}
        else:
            try:
                out["llama_cpp"] = run_load(f"http://127.0.0.1:{port}", a.model, a.clients, a.seconds, a.max_tokens, proc.pid)
            finally:
                stop(proc)
    print(json.dumps(out, indent=2))
    return 1 if out["truthkit"]["errors"] or out.get("truthkit_int8", {}).get("errors") else 0


if __name__ == "__main__":
    sys.exit(main())
