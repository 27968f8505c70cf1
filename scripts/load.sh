#!/usr/bin/env bash
# Load test of greenmarkd's /v1/detect with wrk (Debian), release build, loopback only, bounded
# in time. Prints requests/s, latency percentiles, the daemon's RSS before and after, and the
# daemon's CPU time per request (user + system, from /proc; less sensitive than requests/s to other
# load on a shared machine).
#   bash scripts/load.sh [SECONDS] [CONNECTIONS]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-30}
connections=${2:-16}
command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
swift build -c release --product greenmarkd >/dev/null 2>&1
swift build -c release --product greenmark >/dev/null 2>&1
work=$(mktemp -d /tmp/greenmark-load.XXXXXX)
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT
.build/release/greenmark keys init --home "$work" >/dev/null
.build/release/greenmark trust init --home "$work" >/dev/null
token=$(.build/release/greenmark tokens create --role verify --home "$work" | awk '/^token:/{print $2}')
port=18181
# The benchmark's own budget of scored tokens (docs/daemon.md, "Budgets"): large enough never to
# refuse (16 connections score about a million tokens a second), so requests/s stay measurable,
# while every request still goes through the budget's bookkeeping. BUDGET=0 turns budgets off.
budget=${BUDGET:-100000000000}
.build/release/greenmarkd serve --home "$work" --port $port --no-generation --token-budget "$budget" >"$work/daemon.log" 2>&1 &
pid=$!
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.2; done
# The request bodies: ESSAYS distinct 400-word passages of the State of the Union corpus (default
# 500), sent in rotation, so the tokenizer's word cache sees new essays as real traffic would;
# ESSAYS=1 sends the benchmark essay every time.
essays=${ESSAYS:-500}
python3 - "$work/bodies.txt" "$essays" <<'PY'
import json, os, sys
out, n = sys.argv[1], int(sys.argv[2])
if n == 1:
    texts = [open("Sources/GreenmarkCLI/BenchText.swift").read().split('"""')[1].strip()]
else:
    corpus = "/usr/local/share/greenmark/corpora/sotu"
    words = []
    for name in sorted(os.listdir(corpus)):
        words += open(os.path.join(corpus, name), encoding="utf-8").read().split()
    texts = [" ".join(words[i * 400:(i + 1) * 400]) for i in range(n)]
with open(out, "w") as f:
    for t in texts:
        f.write(json.dumps({"text": t}) + "\n")
PY
cat > "$work/post.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $token"
bodies = {}
for line in io.lines("$work/bodies.txt") do bodies[#bodies + 1] = line end
counter = 0
request = function()
  counter = counter + 1
  return wrk.format(nil, nil, nil, bodies[(counter % #bodies) + 1])
end
LUA
head -1 "$work/bodies.txt" > "$work/body.json"
rss() { awk '/VmRSS/{print $2 " kB"}' /proc/$pid/status; }
cpu_ticks() { awk '{print $14 + $15}' /proc/$pid/stat; }
echo "RSS before: $(rss)"
cpu_before=$(cpu_ticks)
wrk -t2 -c"$connections" -d"${seconds}s" --latency -s "$work/post.lua" "http://127.0.0.1:$port/v1/detect" | tee "$work/wrk.txt"
cpu_after=$(cpu_ticks)
echo "RSS after:  $(rss)"
requests=$(awk '/requests in/{print $1}' "$work/wrk.txt")
awk -v t=$((cpu_after - cpu_before)) -v hz="$(getconf CLK_TCK)" -v n="$requests" \
  'BEGIN { printf "daemon CPU: %.1f s for %d requests = %.2f ms per request\n", t / hz, n, 1000 * t / hz / n }'
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
status=$(curl -s -o /dev/null -w '%{http_code}' -X POST -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
  --data @"$work/body.json" "http://127.0.0.1:$port/v1/detect")
echo "last status: $status"
