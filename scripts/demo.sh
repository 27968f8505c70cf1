#!/usr/bin/env bash
# The main job on the embedded defaults: install everything (idempotent), build, create a demo
# home with a watermark key and signing keys, generate a watermarked text with the local model
# (SmolLM2-135M-Instruct through llama.cpp) with a signed receipt, detect it, issue a detection
# certificate, and verify both certificates offline with the exported root key and trusted roots.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
swift build -c release --product greenmark
gm=$PWD/.build/release/greenmark
work=$(mktemp -d /tmp/greenmark-demo.XXXXXX)
trap 'rm -rf "$work"' EXIT
export GREENMARK_HOME="$work/home"

echo "== greenmark keys init && greenmark trust init"
$gm keys init
$gm trust init
echo
echo "== greenmark generate (watermarked, 200 tokens, seed 7, signed receipt)"
$gm generate --prompt "Write a short essay about why people keep diaries." --max-tokens 200 --seed 7 \
  --receipt "$work/receipt.json" --json > "$work/generation.json"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); open(sys.argv[2],"w").write(d["text"]); print(d["text"]); print("\n[%d tokens, %.1f tokens/s, key %s, model sha256 %s...]" % (d["tokens"], d["tokens_per_second"], d["key_id"], d["model"]["sha256"][:16]))' \
  "$work/generation.json" "$work/essay.txt"
echo
echo "== greenmark detect"
$gm detect "$work/essay.txt"
echo
echo "== greenmark certify (detection attestation)"
$gm certify "$work/essay.txt" -o "$work/essay.cert.json"
echo
echo "== offline verification with the pinned root key and the published trusted roots (a third party's view)"
$gm trust export -o "$work/public"
$gm verify "$work/essay.cert.json" --text "$work/essay.txt" --trust "$work/public/root-key.json" --trust-update "$work"/public/trusted-root-v*.json
$gm verify "$work/receipt.json" --text "$work/essay.txt" --trust "$work/public/trusted-root.json"
echo
echo "== one file for a third party: a provenance bundle (certificate, text, trusted roots), verified with the root key alone"
$gm certify "$work/essay.txt" --bundle -o "$work/essay.bundle.json"
$gm verify "$work/essay.bundle.json" --trust "$work/public/root-key.json"
echo
echo "== the same certificate against an edited text fails"
{ cat "$work/essay.txt"; echo " One sentence added by hand."; } > "$work/edited.txt"
if $gm verify "$work/essay.cert.json" --text "$work/edited.txt" --trust "$work/public/root-key.json" --trust-update "$work"/public/trusted-root-v*.json; then
  echo "unexpected: an edited text verified" >&2; exit 1
fi
echo
echo "== greenmark detect (public-domain human prose: the Gettysburg Address)"
$gm detect Tests/GreenmarkCLITests/Fixtures/gettysburg.txt
