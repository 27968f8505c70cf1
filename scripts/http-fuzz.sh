#!/usr/bin/env bash
# Fuzzes greenmarkd's HTTP API from docs/openapi.yaml with Schemathesis (property-based: schema-
# valid and schema-violating requests, unusual methods, every documented route) against a real
# daemon on loopback with a fresh home and an admin token. Usage:
#
#   bash scripts/http-fuzz.sh            # 100 examples per operation
#   bash scripts/http-fuzz.sh 500        # more
#
#   HTTP_FUZZ_MODEL=1 bash scripts/http-fuzz.sh 25 '^/v1/(generate|chat/completions)$'
#                                        # the model loaded; only paths matching the regex
#
# The token reaches Schemathesis through its config file's ${GREENMARK_FUZZ_TOKEN}, never argv.
# Schemathesis is installed from PyPI into .build-http-fuzz/venv (not in git). The daemon runs
# with --no-generation (no model in memory), so /v1/generate and /v1/chat/completions answer 503
# generation.unavailable by design, unless HTTP_FUZZ_MODEL=1 (the default model is loaded and
# every generation request really runs: slow, so give few examples and a path regex). After the run the script prints the daemon's 5xx counts from
# /metrics and fails if any route answered 500, or if the daemon stopped.
set -euo pipefail
cd "$(dirname "$0")/.."
examples="${1:-100}"
paths="${2:-}"
port="${PORT:-18391}"
dir=.build-http-fuzz
mkdir -p "$dir"
if [[ ! -x "$dir/venv/bin/schemathesis" ]]; then
    python3 -m venv "$dir/venv"
    "$dir/venv/bin/pip" install -q "schemathesis>=4,<5"
fi
swift build --product greenmarkd >/dev/null
swift build --product greenmark >/dev/null
bin=.build/debug

work=$(mktemp -d /tmp/greenmark-http-fuzz.XXXXXX)
chmod 700 "$work"
pid=""
cleanup() {
    if [[ -n "$pid" ]]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT

$bin/greenmark keys init --home "$work/home" >/dev/null
$bin/greenmark trust init --home "$work/home" >/dev/null
GREENMARK_FUZZ_TOKEN=$($bin/greenmark tokens create --role admin --home "$work/home" | awk '/^token:/{print $2}')
export GREENMARK_FUZZ_TOKEN
generation=(--no-generation)
if [[ -n "${HTTP_FUZZ_MODEL:-}" ]]; then generation=(); fi
$bin/greenmarkd serve --home "$work/home" --port "$port" "${generation[@]}" > "$work/daemon.log" 2>&1 &
pid=$!
for _ in $(seq 1 300); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 1; done
curl -sf "http://127.0.0.1:$port/readyz" >/dev/null || { cat "$work/daemon.log"; exit 1; }

cat > "$work/schemathesis.toml" <<'TOML'
headers = { Authorization = "Bearer ${GREENMARK_FUZZ_TOKEN}" }
TOML
echo "== schemathesis: $examples examples per operation against 127.0.0.1:$port (log: $dir/last-run.txt)"
set +e
"$dir/venv/bin/schemathesis" --config-file "$work/schemathesis.toml" run docs/openapi.yaml \
    --url "http://127.0.0.1:$port" --max-examples "$examples" --workers 1 ${paths:+--include-path-regex "$paths"} > "$dir/last-run.txt" 2>&1
set -e
grep -E "^  [0-9]+ generated|Failures:|❌" "$dir/last-run.txt" || true

kill -0 "$pid" 2>/dev/null || { echo "greenmarkd stopped during the run"; tail -20 "$work/daemon.log"; exit 1; }
echo "== 5xx answers by route (from /metrics)"
errors=$(curl -sf "http://127.0.0.1:$port/metrics" | grep '^hb_request_errors' | grep 'error_type="5' || true)
echo "${errors:-none}"
if grep -q 'error_type="500"' <<<"$errors"; then echo "a route answered 500"; exit 1; fi
