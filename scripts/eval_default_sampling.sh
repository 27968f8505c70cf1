#!/usr/bin/env bash
# Detection at the generator's default sampling settings (temperature 0.8, top-p 0.95, top-k off),
# which `greenmark eval generation` does not cover (it samples at temperature 1 without top-p):
# gumbel-v1 h=4 (the default scheme) against lefthash-v1 h=1 delta 2, same prompts (the first
# 60 EvaluationPrompts) and seeds (3000 + i), 200 tokens, each text detected from its characters
# under its own fresh key. Prints one summary line per scheme. About 25 minutes on 2 cores.
#   bash scripts/eval_default_sampling.sh [path/to/greenmark]
set -euo pipefail
gm=${1:-$PWD/.build/release/greenmark}
prompts=${GREENMARK_PROMPTS:-60}  # fewer for a quick check
repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d /tmp/greenmark-default-sampling.XXXXXX)
trap 'rm -rf "$work"' EXIT
python3 - "$repo/Sources/GreenmarkEval/EvaluationPrompts.swift" "$work/prompts.txt" "$prompts" <<'PY'
import re, sys
prompts = re.findall(r'"((?:[^"\\]|\\.){20,})"', open(sys.argv[1]).read())[:int(sys.argv[3])]
open(sys.argv[2], "w").write("\n".join(prompts) + "\n")
PY
for prf in gumbel-v1 lefthash-v1; do "$gm" keys init --home "$work/home-$prf" --prf "$prf" >/dev/null; done
i=0
while IFS= read -r prompt; do
  i=$((i + 1))
  for prf in gumbel-v1 lefthash-v1; do
    "$gm" generate --home "$work/home-$prf" --prompt "$prompt" --max-tokens 200 --seed $((3000 + i)) --json > "$work/gen-$prf-$i.json" 2>/dev/null
    python3 -c 'import json,sys; sys.stdout.write(json.load(open(sys.argv[1]))["text"])' "$work/gen-$prf-$i.json" > "$work/text-$prf-$i.txt"
    "$gm" detect --home "$work/home-$prf" --json --no-mask "$work/text-$prf-$i.txt" > "$work/det-$prf-$i.json"
  done
done < "$work/prompts.txt"
python3 - "$work" <<'PY'
import glob, json, statistics, sys
work = sys.argv[1]
for prf in ("gumbel-v1", "lefthash-v1"):
    rows = []
    for path in glob.glob(f"{work}/det-{prf}-*.json"):
        i = path.rsplit("-", 1)[1].split(".")[0]
        d, g = json.load(open(path)), json.load(open(f"{work}/gen-{prf}-{i}.json"))
        rows.append((g["tokens"], d["tokens_scored"], d["verdict"], d["log10_p_value"]))
    full = [r for r in rows if r[0] >= 200]
    long = [r for r in rows if r[1] >= 50]
    hit = lambda rs: sum(r[2] == "watermarked" for r in rs)
    print(f"{prf}: {len(rows)} texts, detected {hit(rows)}; full-length (200 tokens) {hit(full)}/{len(full)}; "
          f">= 50 scored {hit(long)}/{len(long)}; median scored {statistics.median(r[1] for r in rows)}, "
          f"median log10 p {statistics.median(r[3] for r in rows):.1f}")
PY
