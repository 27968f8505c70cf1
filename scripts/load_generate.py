#!/usr/bin/env python3
"""Load test of greenmarkd's generation (continuous batching) against a real daemon.

Starts the release `greenmarkd` on loopback with a fresh home (a watermark key, a stamp token, a
verify token), then for each level N (default 1, 2, 4, 8) sends N streamed `POST /v1/generate`
requests at once (200 watermarked tokens each, temperature 1, distinct seeds) and reports:

- aggregate tokens/s: all generated tokens / wall time from the first request to the last `done`;
- per-stream time per token: gaps between consecutive text chunks of a stream (one chunk is about
  one token), p50 and p99 over all streams of the level; time to first chunk, p50 and max;
- the daemon's CPU time (user + system, /proc/PID/stat) per generated token: less sensitive than
  tokens/s to other load on a shared machine;
- the daemon's VmRSS (and VmHWM, its peak) from /proc/PID/status after the level;
- detection: every output is sent to `POST /v1/detect` and counted when its verdict is
  `watermarked` (T = its tokens, about 200).

Levels run interleaved for --rounds rounds (default 3: 1, 2, 4, 8, 1, 2, 4, 8, ...); the table gives
the median over rounds of tokens/s and CPU time, and percentiles over all rounds' chunks.
Limits are the daemon's defaults unless given (--max-concurrent, --max-context, --max-queued); with
the defaults (4 concurrent, 4 queued) the level of 8 runs 4 and queues 4.

    python3 scripts/load_generate.py [--levels 1,2,4,8] [--tokens 200] [--max-concurrent N] ...

Needs `swift build -c release --product greenmarkd` and `--product greenmark` (or --build).
"""

import argparse
import http.client
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

PROMPT = "Write a long, detailed essay about the history of science, from antiquity to today."


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, capture_output=True, text=True, **kw).stdout


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def proc_status(pid):
    fields = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            key, _, value = line.partition(":")
            fields[key] = value.strip()
    return fields


def megabytes(value):
    return int(value.split()[0]) / 1024


def cpu_seconds(pid):
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def quantile(values, p):
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * p))]


def stream_one(port, token, seed, tokens, out):
    """One streamed generation; fills out with chunk times, text and the record."""
    body = json.dumps({"prompt": PROMPT, "max_tokens": tokens, "temperature": 1, "seed": seed, "stream": True})
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    out["sent"] = time.monotonic()
    conn.request("POST", "/v1/generate", body, {"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    response = conn.getresponse()
    out["status"] = response.status
    chunks, event, text = [], None, []
    if response.status != 200:
        out["error"] = response.read().decode(errors="replace")
        return
    for raw in response:
        line = raw.decode().rstrip("\n")
        if line.startswith("event: "):
            event = line[7:]
        elif line.startswith("data: "):
            data = json.loads(line[6:])
            if event == "done":
                out["record"] = data["record"]
            elif "text" in data:
                chunks.append(time.monotonic())
                text.append(data["text"])
            elif "error" in data:
                out["error"] = data["error"]
            event = None
    out["done"] = time.monotonic()
    out["chunks"] = chunks
    out["text"] = "".join(text)
    conn.close()


def detect(port, token, text):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    conn.request("POST", "/v1/detect", json.dumps({"text": text}), {"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    response = conn.getresponse()
    body = json.loads(response.read())
    conn.close()
    return body


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--levels", default="1,2,4,8")
    parser.add_argument("--tokens", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--max-concurrent", type=int)
    parser.add_argument("--max-context", type=int)
    parser.add_argument("--max-queued", type=int)
    parser.add_argument("--threads", type=int)
    parser.add_argument("--bin", default=".build/release", help="directory with greenmark and greenmarkd")
    parser.add_argument("--build", action="store_true", help="swift build -c release both products first")
    parser.add_argument("--json", help="also write the results to this file")
    args = parser.parse_args()
    os.chdir(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
    if args.build:
        for product in ("greenmarkd", "greenmark"):
            run(["swift", "build", "-c", "release", "--product", product])
    cli, daemon = os.path.join(args.bin, "greenmark"), os.path.join(args.bin, "greenmarkd")
    levels = [int(n) for n in args.levels.split(",")]

    home = tempfile.mkdtemp(prefix="greenmark-loadgen.")
    proc = None
    try:
        run([cli, "keys", "init", "--home", home])
        run([cli, "trust", "init", "--home", home])
        stamp = re.search(r"^token: (\S+)", run([cli, "tokens", "create", "--role", "stamp", "--home", home]), re.M).group(1)
        verify = re.search(r"^token: (\S+)", run([cli, "tokens", "create", "--role", "verify", "--home", home]), re.M).group(1)
        port = free_port()
        cmd = [daemon, "serve", "--home", home, "--port", str(port)]
        for flag, value in (("--max-concurrent", args.max_concurrent), ("--max-context", args.max_context),
                            ("--max-queued", args.max_queued), ("--threads", args.threads)):
            if value is not None:
                cmd += [flag, str(value)]
        log = open(os.path.join(home, "daemon.log"), "w")
        proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT)
        for _ in range(600):
            try:
                c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                c.request("GET", "/readyz")
                if c.getresponse().status == 200:
                    break
            except OSError:
                pass
            time.sleep(0.1)
        idle = proc_status(proc.pid)
        print(f"greenmarkd serve {' '.join(cmd[6:]) or '(default limits)'}; idle VmRSS {megabytes(idle['VmRSS']):.0f} MB")
        # Warm-up: the first generation creates the batch context (its KV cache) and pages in the weights.
        warm = {}
        stream_one(port, stamp, 1, 8, warm)
        print(f"after warm-up: VmRSS {megabytes(proc_status(proc.pid)['VmRSS']):.0f} MB")
        print(f"load average before: {open('/proc/loadavg').read().split()[:3]}")
        runs = {n: [] for n in levels}
        for round_ in range(args.rounds):
            for n in levels:
                outs = [dict() for _ in range(n)]
                seeds = [10000 * round_ + 100 * n + i for i in range(n)]
                threads = [threading.Thread(target=stream_one, args=(port, stamp, seeds[i], args.tokens, outs[i])) for i in range(n)]
                cpu0, start = cpu_seconds(proc.pid), time.monotonic()
                for t in threads:
                    t.start()
                for t in threads:
                    t.join()
                wall, cpu = time.monotonic() - start, cpu_seconds(proc.pid) - cpu0
                status = proc_status(proc.pid)
                failed = [o for o in outs if o.get("status") != 200 or "record" not in o]
                ok = [o for o in outs if o not in failed]
                if failed:
                    print(f"  {len(failed)} failed: {[o.get('status') for o in failed]} {failed[0].get('error', '')}", file=sys.stderr)
                verdicts = [detect(port, verify, o["text"]) for o in ok]
                tokens = sum(o["record"]["tokens"] for o in ok)
                runs[n].append({
                    "tokens": tokens, "seconds": wall, "cpu_seconds": cpu,
                    "gaps_ms": [1000 * (b - a) for o in ok for a, b in zip(o["chunks"], o["chunks"][1:])],
                    "first_chunk_ms": [1000 * (o["chunks"][0] - o["sent"]) for o in ok if o["chunks"]],
                    "vmrss_mb": megabytes(status["VmRSS"]), "vmhwm_mb": megabytes(status["VmHWM"]),
                    "watermarked": sum(1 for v in verdicts if v.get("verdict") == "watermarked"), "outputs": len(ok), "failed": len(failed),
                    "z": [v.get("z_score") for v in verdicts],
                    "output_tokens": [o["record"]["tokens"] for o in ok],
                    "verdicts": [v.get("verdict") for v in verdicts],
                })
        results = []
        for n in levels:
            r = runs[n]
            gaps = [g for x in r for g in x["gaps_ms"]]
            first = [f for x in r for f in x["first_chunk_ms"]]
            zs = [z for x in r for z in x["z"] if isinstance(z, (int, float))]
            results.append({
                "streams": n, "rounds": len(r), "tokens": sum(x["tokens"] for x in r),
                "aggregate_tokens_per_second": statistics.median(x["tokens"] / x["seconds"] for x in r),
                "cpu_ms_per_token": statistics.median(1000 * x["cpu_seconds"] / x["tokens"] for x in r),
                "per_stream_ms_per_token_p50": quantile(gaps, 0.5), "per_stream_ms_per_token_p99": quantile(gaps, 0.99),
                "first_chunk_ms_p50": quantile(first, 0.5), "first_chunk_ms_max": max(first) if first else float("nan"),
                "vmrss_mb": max(x["vmrss_mb"] for x in r), "vmhwm_mb": max(x["vmhwm_mb"] for x in r),
                "watermarked": sum(x["watermarked"] for x in r), "outputs": sum(x["outputs"] for x in r),
                "failed": sum(x["failed"] for x in r), "min_z": min(zs) if zs else float("nan"),
                "runs": [{k: v for k, v in x.items() if k not in ("gaps_ms", "first_chunk_ms")} for x in r],
            })
        base = results[0]
        print("| streams | tokens (all rounds) | aggregate tok/s (median) | × 1 stream | daemon CPU ms/token | × 1 stream | "
              "ms/token p50 | p99 | first chunk p50 / max ms | VmRSS MB | VmHWM MB | watermarked | min z |")
        print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
        for r in results:
            print(f"| {r['streams']} | {r['tokens']} | {r['aggregate_tokens_per_second']:.1f} | "
                  f"{r['aggregate_tokens_per_second'] / base['aggregate_tokens_per_second']:.2f} | {r['cpu_ms_per_token']:.1f} | "
                  f"{base['cpu_ms_per_token'] / r['cpu_ms_per_token']:.2f} | {r['per_stream_ms_per_token_p50']:.1f} | "
                  f"{r['per_stream_ms_per_token_p99']:.1f} | {r['first_chunk_ms_p50']:.0f} / {r['first_chunk_ms_max']:.0f} | "
                  f"{r['vmrss_mb']:.0f} | {r['vmhwm_mb']:.0f} | {r['watermarked']}/{r['outputs']} | {r['min_z']:.1f} |")
        print(f"load average after: {open('/proc/loadavg').read().split()[:3]}")
        if args.json:
            with open(args.json, "w") as f:
                json.dump({"limits": cmd[6:], "results": results}, f, indent=2)
    finally:
        if proc:
            proc.terminate()
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
        shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()
