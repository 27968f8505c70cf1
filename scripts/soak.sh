#!/usr/bin/env bash
# Soak test of greenmarkd at saturating load (issue #10): release build, the real daemon
# (`greenmarkd serve --no-generation`) on loopback with a fresh home, then wrk for SECONDS on
# POST /v1/detect (500 distinct essays in rotation) and SECONDS on POST /v1/certificates (a
# distinct text per request). While wrk runs, the daemon's RSS (VmRSS) and open file descriptors
# are sampled every second.
#
#   bash scripts/soak.sh [SECONDS] [CONNECTIONS] [WARMUP_SECONDS]     # defaults 60 16 10
#
# Before the measured runs, a warm-up of WARMUP_SECONDS on each endpoint fills the caches that
# are meant to fill (tokenizer word cache, SQLite page cache, connection buffers, thread pools);
# RSS growth is measured from the end of that warm-up to the end of the soak, and the RSS at start
# is reported too. Exit status: 0 when no request got a 5xx, no socket error or timeout occurred
# and RSS grew by at most MAX_RSS_GROWTH_PERCENT (default 10); 1 otherwise. Rate limiting is off
# by default (`rate_limit` 0) and the script sets GREENMARK_RATE_LIMIT=0 explicitly.
#
# The stamp token never appears on a command line (ps shows every argv): it is captured from the
# CLI's stdout, handed to wrk's Lua script through the environment (GREENMARK_SOAK_TOKEN) and to
# curl through a mode-0600 header file.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
connections=${2:-16}
warmup=${3:-10}
max_growth=${MAX_RSS_GROWTH_PERCENT:-10}
port=${PORT:-18282}
command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }

echo "== build (release)"
swift build -c release --product greenmarkd >/dev/null 2>&1
swift build -c release --product greenmark >/dev/null 2>&1
bin=.build/release

work=$(mktemp -d /tmp/greenmark-soak.XXXXXX)
chmod 700 "$work"
pid=""
sampler=""
cleanup() {
  [ -n "$sampler" ] && kill "$sampler" 2>/dev/null || true
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  if [ -n "${KEEP_WORK:-}" ]; then echo "work directory kept: $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

echo "== fresh home $work/home"
home="$work/home"
$bin/greenmark keys init --home "$home" >/dev/null
$bin/greenmark trust init --home "$home" >/dev/null
token=$($bin/greenmark tokens create --role stamp --inspect --home "$home" | awk '/^token:/{print $2}')
[ -n "$token" ] || { echo "no token"; exit 1; }
( umask 077; printf 'Authorization: Bearer %s\n' "$token" > "$work/auth-header" )

# Request bodies: distinct 400-word passages of the State of the Union corpus, as JSON string
# content. /v1/detect rotates through the first 500 (as scripts/load.sh does); /v1/certificates
# takes the rest in rotation and appends the wrk thread id and a per-thread counter, so every
# certificate request carries a text no other request had.
python3 - "$work" <<'PY'
import json, os, sys
out = sys.argv[1]
corpus = "/usr/local/share/greenmark/corpora/sotu"
words = []
for name in sorted(os.listdir(corpus)):
    words += open(os.path.join(corpus, name), encoding="utf-8").read().split()
texts = [" ".join(words[i * 400:(i + 1) * 400]) for i in range(len(words) // 400)]
with open(os.path.join(out, "detect.txt"), "w") as f:
    for t in texts[:500]:
        f.write(json.dumps(t)[1:-1] + "\n")
with open(os.path.join(out, "certify.txt"), "w") as f:
    for t in texts[500:]:
        f.write(json.dumps(t)[1:-1] + "\n")
print(f"{min(500, len(texts))} detection passages, {max(0, len(texts) - 500)} certification passages")
PY

cat > "$work/soak.lua" <<'LUA'
-- Bodies from a file of JSON string contents; counts every response by status in each thread
-- and prints one summary line (SOAK ...) from the main thread when wrk is done.
local threads = {}
function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  local token = os.getenv("GREENMARK_SOAK_TOKEN")
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Authorization"] = "Bearer " .. token
  mode = os.getenv("SOAK_MODE")
  texts = {}
  for line in io.lines(os.getenv("SOAK_BODIES")) do texts[#texts + 1] = line end
  counter = 0
  statuses = {}
end

function request()
  counter = counter + 1
  local text = texts[(counter % #texts) + 1]
  if mode == "certify" then
    text = text .. " (soak " .. id .. "-" .. counter .. ")"
  end
  return wrk.format(nil, nil, nil, '{"text":"' .. text .. '"}')
end

function response(status, headers, body)
  local key = tostring(status)
  statuses[key] = (statuses[key] or 0) + 1
end

function done(summary, latency, requests)
  local total, parts = {}, {}
  for _, t in ipairs(threads) do
    for k, v in pairs(t:get("statuses")) do total[k] = (total[k] or 0) + v end
  end
  for k, v in pairs(total) do parts[#parts + 1] = k .. ":" .. v end
  table.sort(parts)
  local e = summary.errors
  io.write(string.format("SOAK requests=%d duration_s=%.2f rps=%.1f p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f max_ms=%.2f statuses=%s connect_errors=%d read_errors=%d write_errors=%d timeouts=%d\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    table.concat(parts, ","), e.connect, e.read, e.write, e.timeout))
end
LUA

echo "== start greenmarkd (loopback :$port, --no-generation, rate limiting and token budgets off)"
GREENMARK_RATE_LIMIT=0 GREENMARK_TOKEN_BUDGET=0 $bin/greenmarkd serve --home "$home" --host 127.0.0.1 --port "$port" --no-generation >"$work/daemon.log" 2>&1 &
pid=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.2; done
curl -sf "http://127.0.0.1:$port/readyz" >/dev/null || { echo "daemon not ready"; cat "$work/daemon.log"; exit 1; }

rss() { awk '/^VmRSS/{print $2}' /proc/$pid/status; }
fds() { ls /proc/$pid/fd | wc -l; }
cpu_ticks() { awk '{print $14 + $15}' /proc/$pid/stat; }
phase="idle"
echo "$phase" > "$work/phase"
# One sample per second: unix time, phase, RSS (kB), open fds, threads.
( while kill -0 "$pid" 2>/dev/null; do
    printf '%s %s %s %s %s\n' "$(date +%s)" "$(cat "$work/phase")" "$(rss)" "$(fds)" "$(awk '/^Threads/{print $2}' /proc/$pid/status)"
    sleep 1
  done ) > "$work/samples.txt" 2>/dev/null &
sampler=$!

rss_start=$(rss); fds_start=$(fds)
echo "RSS at start (ready, idle): $rss_start kB, $fds_start open fds"

# Sanity check: one request per endpoint must succeed before loading.
curl -s -o /dev/null -w 'check /v1/detect: %{http_code}\n' -X POST -H @"$work/auth-header" -H 'Content-Type: application/json' \
  --data "{\"text\":\"$(head -1 "$work/detect.txt")\"}" "http://127.0.0.1:$port/v1/detect"
curl -s -o /dev/null -w 'check /v1/certificates: %{http_code}\n' -X POST -H @"$work/auth-header" -H 'Content-Type: application/json' \
  --data "{\"text\":\"$(head -1 "$work/certify.txt") (check)\"}" "http://127.0.0.1:$port/v1/certificates"

run() {  # run NAME MODE PATH BODIES SECONDS
  echo "$1" > "$work/phase"
  GREENMARK_SOAK_TOKEN="$token" SOAK_MODE="$2" SOAK_BODIES="$4" \
    wrk -t2 -c"$connections" -d"${5}s" --timeout 30s --latency -s "$work/soak.lua" "http://127.0.0.1:$port$3" > "$work/wrk-$1.txt" 2>&1 || true
  echo "idle" > "$work/phase"
}

echo "== warm-up: ${warmup} s on each endpoint"
run warmup-detect detect /v1/detect "$work/detect.txt" "$warmup"
run warmup-certify certify /v1/certificates "$work/certify.txt" "$warmup"
sleep 1
rss_warm=$(rss); fds_warm=$(fds)
echo "RSS after warm-up: $rss_warm kB, $fds_warm open fds"

cpu0=$(cpu_ticks)
echo "== soak: ${seconds} s on /v1/detect, $connections connections"
run detect detect /v1/detect "$work/detect.txt" "$seconds"
grep -E 'Latency|Req/Sec|requests in|Non-2xx|Socket' "$work/wrk-detect.txt" || true
grep '^SOAK' "$work/wrk-detect.txt"
rss_mid=$(rss)
echo "RSS after /v1/detect: $rss_mid kB, $(fds) open fds"
cpu1=$(cpu_ticks)
echo "== soak: ${seconds} s on /v1/certificates, $connections connections"
run certify certify /v1/certificates "$work/certify.txt" "$seconds"
grep -E 'Latency|Req/Sec|requests in|Non-2xx|Socket' "$work/wrk-certify.txt" || true
grep '^SOAK' "$work/wrk-certify.txt"
cpu2=$(cpu_ticks)
sleep 1
rss_end=$(rss); fds_end=$(fds)

# The adversarial mix (#17): 60 detections of a unique 300,000-letter word each. Before the word
# cache was bounded in bytes they grew RSS by 140 MB and kept it; the cache now never holds such a
# word, and the growth must stay within ADVERSARIAL_MAX_GROWTH_KB (default 30 MB over the RSS
# before the mix; what remains is the allocator's high-water mark, which does not grow further).
echo "== adversarial: 60 unique 300,000-letter words on /v1/detect"
rss_before_words=$(rss)
GREENMARK_SOAK_TOKEN="$token" python3 - "$port" <<'PY'
import json, os, random, string, sys, urllib.request
statuses = {}
for _ in range(60):
    word = "".join(random.choice(string.ascii_lowercase) for _ in range(300_000))
    req = urllib.request.Request(f"http://127.0.0.1:{sys.argv[1]}/v1/detect", data=json.dumps({"text": word}).encode(),
                                 headers={"Content-Type": "application/json", "Authorization": "Bearer " + os.environ["GREENMARK_SOAK_TOKEN"]})
    try:
        status = urllib.request.urlopen(req, timeout=120).status
    except urllib.error.HTTPError as e:
        status = e.code
    statuses[status] = statuses.get(status, 0) + 1
print("adversarial statuses:", statuses)
PY
sleep 1
rss_after_words=$(rss)
words_growth=$((rss_after_words - rss_before_words))
echo "RSS before the words $rss_before_words kB, after $rss_after_words kB: +$words_growth kB"
kill "$sampler" 2>/dev/null || true; sampler=""

hz=$(getconf CLK_TCK)
stored=$(python3 -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); print(c.execute("select count(*) from certificate").fetchone()[0])' "$home/registry.sqlite" 2>/dev/null || echo "?")
echo "== summary ($(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg))"
for phase in detect certify; do
  line=$(grep '^SOAK' "$work/wrk-$phase.txt" || echo "SOAK missing")
  echo "$phase: $line"
done
awk -v a="$cpu0" -v b="$cpu1" -v c="$cpu2" -v hz="$hz" -v s="$seconds" \
  'BEGIN { printf "daemon CPU: detect %.1f s (%.0f%% of one core), certificates %.1f s (%.0f%% of one core)\n", (b-a)/hz, 100*(b-a)/hz/s, (c-b)/hz, 100*(c-b)/hz/s }'
echo "certificates stored in the registry: $stored"
awk '$2 == "detect" || $2 == "certify" { if (min == "" || $3 < min) min = $3; if ($3 > max) max = $3; if (fmin == "" || $4 < fmin) fmin = $4; if ($4 > fmax) fmax = $4; n++ }
     END { printf "during the soak (%d samples): RSS %d..%d kB, open fds %d..%d\n", n, min, max, fmin, fmax }' "$work/samples.txt"
growth=$(awk -v a="$rss_warm" -v b="$rss_end" 'BEGIN { printf "%.1f", 100 * (b - a) / a }')
echo "RSS: start $rss_start kB, after warm-up $rss_warm kB, after /v1/detect $rss_mid kB, end $rss_end kB; growth since warm-up $growth %"
echo "open fds: start $fds_start, after warm-up $fds_warm, end $fds_end"
if [ -n "${SOAK_SAMPLES_OUT:-}" ]; then cp "$work/samples.txt" "$SOAK_SAMPLES_OUT"; fi

fail=0
if [ "$words_growth" -gt "${ADVERSARIAL_MAX_GROWTH_KB:-30720}" ]; then
  echo "FAIL: 60 unique 300,000-letter words grew RSS by $words_growth kB (limit ${ADVERSARIAL_MAX_GROWTH_KB:-30720})"; fail=1
fi
for phase in detect certify; do
  line=$(grep '^SOAK' "$work/wrk-$phase.txt" || true)
  [ -n "$line" ] || { echo "FAIL: no wrk summary for $phase"; fail=1; continue; }
  statuses=$(sed -E 's/.*statuses=([^ ]*).*/\1/' <<<"$line")
  if grep -qE '(^|,)5[0-9][0-9]:' <<<"$statuses"; then echo "FAIL: 5xx responses on $phase ($statuses)"; fail=1; fi
  if grep -qvE '^(2[0-9][0-9]:[0-9]+,?)+$' <<<"$statuses"; then echo "non-2xx responses on $phase: $statuses"; fi
  for e in connect_errors read_errors write_errors timeouts; do
    n=$(sed -E "s/.*$e=([0-9]+).*/\1/" <<<"$line")
    if [ "$n" != 0 ]; then echo "FAIL: $e=$n on $phase"; fail=1; fi
  done
done
if awk -v g="$growth" -v m="$max_growth" 'BEGIN { exit !(g > m) }'; then echo "FAIL: RSS grew $growth % (> $max_growth %) after warm-up"; fail=1; fi
[ "$fail" = 0 ] && echo "PASS: no 5xx, no socket errors, RSS growth $growth % <= $max_growth %"
exit $fail
