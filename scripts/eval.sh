#!/usr/bin/env bash
# The full evaluation (docs/results/): detectability, false positives on >= 1,000 human passages,
# robustness sweeps and quality on the real model, then the plots. About 40 minutes on one core.
#   bash scripts/eval.sh            # full run
#   bash scripts/eval.sh --plots    # only redraw the plots from docs/results/eval.json
set -euo pipefail
cd "$(dirname "$0")/.."
out=docs/results
if [ "${1:-}" != "--plots" ]; then
  bash scripts/bootstrap.sh
  swift build -c release --product greenmark
  .build/release/greenmark eval --prompts 60 --seeds 4 --max-tokens 260 --human-passages 2000 \
    --attack-strengths 0.05 0.1 0.2 0.3 0.5 -o "$out/eval.json" > "$out/eval-summary.json"
fi
python3 -c 'import matplotlib' 2>/dev/null || python3 -m pip install -q matplotlib
python3 "$out/plot_eval.py" "$out/eval.json" "$out"
