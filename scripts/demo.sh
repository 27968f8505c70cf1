#!/usr/bin/env bash
# The main job on the embedded defaults: install everything (idempotent), build, create a demo
# keyring, generate a watermarked text with the local model (SmolLM2-135M-Instruct through
# llama.cpp), then detect it, and show that human prose is not flagged.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
swift build -c release --product greenmark
gm=.build/release/greenmark
work=$(mktemp -d /tmp/greenmark-demo.XXXXXX)
trap 'rm -rf "$work"' EXIT
export GREENMARK_HOME="$work/home"

echo "== greenmark keys init"
$gm keys init
echo
echo "== greenmark generate (watermarked, 200 tokens, seed 7)"
$gm generate --prompt "Write a short essay about why people keep diaries." --max-tokens 200 --seed 7 \
  --json > "$work/generation.json"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); open(sys.argv[2],"w").write(d["text"]); print(d["text"]); print("\n[%d tokens, %.1f tokens/s, key %s, model sha256 %s...]" % (d["tokens"], d["tokens_per_second"], d["key_id"], d["model"]["sha256"][:16]))' \
  "$work/generation.json" "$work/essay.txt"
echo
echo "== greenmark detect (the generated text)"
$gm detect "$work/essay.txt"
echo
echo "== greenmark detect (public-domain human prose: the Gettysburg Address)"
$gm detect Tests/GreenmarkCLITests/Fixtures/gettysburg.txt
