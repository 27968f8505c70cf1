#!/usr/bin/env bash
# Aggregate decode speed of llama.cpp's continuous batching by weight type (docs/results/batching.md,
# "Why not 2×: the weight type"). Measures llama.cpp alone (its `llama-batched-bench`), not greenmarkd.
#
#   scripts/batched_bench.sh BUILD_DIR WORK_DIR [CONFIG...]
#
# BUILD_DIR holds llama-batched-bench and llama-quantize, built from the same vendored llama.cpp as
# scripts/bootstrap.sh with its flags plus -DLLAMA_BUILD_COMMON=ON -DLLAMA_BUILD_TOOLS=ON, e.g.
#   cmake -S …/vendor/llama.cpp -B /tmp/wtype/build <bootstrap's flags, COMMON/TOOLS ON>
#   nice -n 10 cmake --build /tmp/wtype/build --target llama-batched-bench llama-quantize -j 2
# Nothing is installed. WORK_DIR receives the requantized copies (made once, from the shipped Q4_1
# file, with --allow-requantize), one JSONL file per run and summary.md.
# A CONFIG is a llama-quantize type name (Q4_1 = the shipped file, unchanged), optionally followed by
# ":nr" to run without llama.cpp's weight repacking (-nr). Default: Q4_1 Q4_0 Q4_0:nr Q8_0 Q4_K_M.
# Environment: MODEL (default: the installed SmolLM2 Q4_1), ROUNDS (3), THREADS ("1 2"),
# NPL (1,2,4,8), NPP (32), NTG (128).
# CPU time: the stock tool reports wall-clock speeds only. docs/results/batching.md gives a
# three-line patch to tools/batched-bench/batched-bench.cpp that adds "cpu_tg" (the process's CPU
# seconds in the decode phase) to its JSONL rows; when present, the summary adds CPU ms per token.
# Configurations are interleaved (round 1: every config at every thread count, round 2: ...) so that
# the machine's load hits each alike; the summary gives medians over rounds and each config's
# aggregate speed relative to its own single stream.
set -euo pipefail
build=${1:?BUILD_DIR}
work=${2:?WORK_DIR}
shift 2
configs=("$@")
[ ${#configs[@]} -gt 0 ] || configs=(Q4_1 Q4_0 Q4_0:nr Q8_0 Q4_K_M)
model=${MODEL:-/usr/local/share/greenmark/models/SmolLM2-135M-Instruct.Q4_1.gguf}
rounds=${ROUNDS:-3}
threads=${THREADS:-1 2}
npl=${NPL:-1,2,4,8}
npp=${NPP:-32}
ntg=${NTG:-128}
mkdir -p "$work/runs"

file_for() {
  local type=${1%%:*}
  if [ "$type" = Q4_1 ]; then echo "$model"; else echo "$work/smollm2-$type.gguf"; fi
}

for c in "${configs[@]}"; do
  type=${c%%:*}
  out=$(file_for "$c")
  if [ ! -f "$out" ]; then
    nice -n 10 "$build/bin/llama-quantize" --allow-requantize "$model" "$out" "$type" >"$work/quantize-$type.log" 2>&1
  fi
done

for round in $(seq 1 "$rounds"); do
  echo "round $round: $(uptime)" | tee -a "$work/uptime.log"
  for t in $threads; do
    for c in "${configs[@]}"; do
      extra=()
      case "$c" in *:nr) extra=(-nr) ;; esac
      log="$work/runs/${c/:/-}_t${t}_r${round}"
      nice -n 10 "$build/bin/llama-batched-bench" -m "$(file_for "$c")" -c 4096 -b 512 -ub 512 \
        -npp "$npp" -ntg "$ntg" -npl "$npl" -t "$t" -tb "$t" "${extra[@]}" --output-format jsonl \
        >"$log.jsonl" 2>"$log.err"
      echo "  $c t=$t: $(grep -c . "$log.jsonl") rows"
    done
  done
done
echo "end: $(uptime)" | tee -a "$work/uptime.log"

python3 - "$work" "${configs[@]}" <<'PY' | tee "$work/summary.md"
import glob, json, os, statistics, sys
work, configs = sys.argv[1], sys.argv[2:]
runs = {}  # (config, threads) -> [{pl: row}] one dict per run
for path in sorted(glob.glob(os.path.join(work, "runs", "*.jsonl"))):
    config, t, _ = os.path.basename(path)[: -len(".jsonl")].rsplit("_", 2)
    rows = [json.loads(line) for line in open(path) if line.startswith("{")]
    runs.setdefault((config, int(t[1:])), []).append({r["pl"]: r for r in rows})
med = statistics.median
for t in sorted({k[1] for k in runs}):
    levels = sorted({p for (c, tt), rs in runs.items() if tt == t for r in rs for p in r})
    base = levels[0]
    print(f"\nthreads = {t}, {levels} sequences: aggregate decode tokens/s (median over runs) and, in brackets,")
    print("the median over runs of its ratio to the same run's single stream; CPU ms per generated token")
    print("(process CPU time of the decode phase, when the tool reports it) and its gain over one stream\n")
    print("| weights | runs | " + " | ".join(f"{p} seq tok/s (×)" for p in levels) + " | " + " | ".join(f"{p} seq CPU ms/tok (×)" for p in levels) + " |")
    print("|---|---" + "|---" * (2 * len(levels)) + "|")
    for c in configs:
        rs = runs.get((c.replace(":", "-"), t), [])
        rs = [r for r in rs if base in r]
        if not rs:
            continue
        speed, cpu = [], []
        for p in levels:
            xs = [r for r in rs if p in r]
            if not xs:
                speed.append("–"); cpu.append("–"); continue
            s = med([r[p]["speed_tg"] for r in xs])
            ratio = med([r[p]["speed_tg"] / r[base]["speed_tg"] for r in xs])
            speed.append(f"{s:.1f} ({ratio:.2f})")
            if all("cpu_tg" in r[p] for r in xs):
                ms = [1000 * r[p]["cpu_tg"] / (r[p]["pl"] * r[p]["tg"]) for r in xs]
                gain = med([(r[base]["cpu_tg"] / (r[base]["pl"] * r[base]["tg"])) / (r[p]["cpu_tg"] / (r[p]["pl"] * r[p]["tg"])) for r in xs])
                cpu.append(f"{med(ms):.2f} ({gain:.2f})")
            else:
                cpu.append("–")
        print(f"| {c} | {len(rs)} | " + " | ".join(speed) + " | " + " | ".join(cpu) + " |")
PY
