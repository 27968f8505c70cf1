#!/usr/bin/env bash
# The main job on the embedded defaults: install everything (idempotent), build, create a demo
# keyring, and score texts with the real model's tokenizer.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
swift build -c release --product greenmark
gm=.build/release/greenmark
home=$(mktemp -d /tmp/greenmark-demo.XXXXXX)
trap 'rm -rf "$home"' EXIT
export GREENMARK_HOME="$home"

echo "== greenmark keys init"
$gm keys init
echo
echo "== greenmark detect (public-domain human prose: the Gettysburg Address)"
$gm detect Tests/GreenmarkCLITests/Fixtures/gettysburg.txt
echo
echo "== greenmark detect --json --no-mask (first lines)"
$gm detect --json --no-mask Tests/GreenmarkCLITests/Fixtures/ishmael.txt | head -n 12
