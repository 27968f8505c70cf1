#!/usr/bin/env bash
# Issue #22's measurement (docs/results/documents.md; this writes documents-tables.md and documents-tables.md.json there): does a watermarked text survive being handed in
# as a document? In a fresh temp home with a new LeftHash h=1, gamma 0.25 key (the default before gumbel-v1) and the default
# model, 40 texts of up to 250 tokens are generated from varied prompts; each text (also printed with
# Chromium's date/title header and URL/page footer) and each of the
# first 1,000 human passages of the project's corpus (Sources/GreenmarkEval/HumanCorpus.swift) is
# made into a PDF printed by headless Chromium (A4, 12 pt, one <p> per paragraph), a .docx and an
# .odt (pandoc), then read back two ways:
#   - greenmark extract (DocumentExtractor + Reflow, what detect and certify score): pdf, docx, odt
#   - without reflow, as the issue's first try did: pdftotext, pandoc -t plain
# and every text is scored with greenmark detect --json. About 15 minutes on 2 cores.
#   bash scripts/eval_documents.sh                 # full run (HUMAN=1000)
#   HUMAN=200 WORK=/tmp/gm-docs bash scripts/eval_documents.sh   # fewer passages; keep the work directory
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
gm=${GM:-$root/.build/release/greenmark}
helper=$root/scripts/eval_documents.py
human=${HUMAN:-1000}
work=${WORK:-$(mktemp -d /tmp/greenmark-documents.XXXXXX)}
out=${OUT:-$root/docs/results}
mkdir -p "$work" "$out"
export GREENMARK_HOME="$work/home"
command -v pandoc > /dev/null || apt-get install -y pandoc
command -v pdftotext > /dev/null || apt-get install -y poppler-utils
if [ -z "${GM:-}" ]; then swift build -c release --product greenmark; fi
[ -f "$GREENMARK_HOME/keyring.json" ] || "$gm" keys init --prf lefthash-v1 > /dev/null

echo "== generating watermarked texts in $work/gen"
mkdir -p "$work/gen/txt"
i=0
while IFS= read -r prompt; do
  i=$((i + 1))
  name=$(printf 'g%02d' "$i")
  [ -s "$work/gen/txt/$name.txt" ] && continue
  nice -n 10 "$gm" generate --prompt "$prompt" --max-tokens 250 --seed "$i" --json > "$work/gen/$name.json"
  python3 -c 'import json,sys; open(sys.argv[2],"w").write(json.load(open(sys.argv[1]))["text"])' \
    "$work/gen/$name.json" "$work/gen/txt/$name.txt"
done < <(python3 "$helper" prompts)

echo "== human passages in $work/human"
[ -d "$work/human/txt" ] || python3 "$helper" human "$work/human/txt" "$human" > /dev/null

# make_documents SET [hf]: SET/txt/*.txt -> SET/{html,json,pdf,docx,odt} (and pdf-hf: with Chromium's
# header and footer, when asked)
make_documents() {
  local set=$1 hf=${2:-}
  python3 "$helper" html "$set/txt" "$set/html"
  python3 "$helper" pandoc-json "$set/txt" "$set/json"
  mkdir -p "$set/docx" "$set/odt"
  (cd "$set/json" && ls | sed 's/\.json$//' | nice -n 10 xargs -P 2 -I{} sh -c \
    'pandoc -f json -o ../docx/{}.docx {}.json && pandoc -f json -o ../odt/{}.odt {}.json')
  [ "$(ls "$set/pdf" 2> /dev/null | wc -l)" = "$(ls "$set/txt" | wc -l)" ] || nice -n 10 python3 "$helper" pdf "$set/html" "$set/pdf" > /dev/null
  if [ -n "$hf" ] && [ "$(ls "$set/pdf-hf" 2> /dev/null | wc -l)" != "$(ls "$set/txt" | wc -l)" ]; then
    nice -n 10 python3 "$helper" pdf "$set/html" "$set/pdf-hf" --header-footer > /dev/null
  fi
}

# read_back SET: the text of every document, with and without Greenmark's extraction
read_back() {
  local set=$1 f b
  mkdir -p "$set/read/txt" "$set/read/pdf" "$set/read/docx" "$set/read/odt" "$set/read/pdftotext" "$set/read/pandoc-docx" "$set/read/pandoc-odt"
  cp "$set"/txt/*.txt "$set/read/txt/"
  for f in "$set"/pdf/*.pdf; do
    b=$(basename "$f" .pdf)
    for fmt in pdf docx odt; do
      "$gm" extract "$set/$fmt/$b.$fmt" -o "$set/read/$fmt/$b.txt" 2>> "$set/read/extract.log" || true
    done
    if [ -d "$set/pdf-hf" ]; then
      mkdir -p "$set/read/pdf-hf"
      "$gm" extract "$set/pdf-hf/$b.pdf" -o "$set/read/pdf-hf/$b.txt" 2>> "$set/read/extract.log" || true
    fi
    pdftotext -enc UTF-8 "$f" "$set/read/pdftotext/$b.txt"
    pandoc -t plain -o "$set/read/pandoc-docx/$b.txt" "$set/docx/$b.docx"
    pandoc -t plain -o "$set/read/pandoc-odt/$b.txt" "$set/odt/$b.odt"
  done
}

# detect_all SET: SET/read/VARIANT/*.txt -> SET/detect/VARIANT.json
detect_all() {
  local set=$1 v
  mkdir -p "$set/detect"
  for v in "$set"/read/*/; do
    v=$(basename "$v")
    [ -n "$(ls "$set/read/$v")" ] || continue
    nice -n 10 "$gm" detect "$set/read/$v" --json --no-mask > "$set/detect/$v.json" 2> /dev/null
  done
}

for set in "$work/gen" "$work/human"; do
  echo "== documents, read back and detected: $set"
  make_documents "$set" "$([ "$set" = "$work/gen" ] && echo hf)"
  read_back "$set"
  detect_all "$set"
done

# The documents themselves through detect (the CLI path, not the extracted text): must agree.
echo "== detect on the documents themselves (gen)"
for fmt in pdf docx odt; do
  nice -n 10 "$gm" detect "$work/gen/$fmt" --json --no-mask > "$work/gen/detect/direct-$fmt.json" 2> /dev/null || true
done

python3 "$helper" summary "$work" "$out/documents-tables.md"
echo "work directory: $work"
