#!/usr/bin/env bash
# Regenerates the document fixtures of GreenmarkDocumentsTests from essay.md (Debian: pandoc,
# chromium, qpdf, python3). Run from anywhere; writes next to this script. The outputs are
# committed, so the tests do not need these tools.
set -euo pipefail
cd "$(dirname "$0")"
pandoc essay.md -f markdown -t docx -o essay.docx
pandoc essay.md -f markdown -t odt -o essay.odt
pandoc essay.md -f markdown -t html -s --metadata title=Essay -o essay.html
pandoc essay.md -f markdown -t rtf -s -o essay.rtf
chrome() { chromium --headless --no-sandbox --disable-gpu --no-pdf-header-footer "$@" 2>/dev/null; }
chrome --print-to-pdf="$PWD/essay.pdf" "file://$PWD/essay.html"
# A PDF encrypted with a user password (AES-256): pdftotext cannot open it.
qpdf --encrypt secret owner-secret 256 -- essay.pdf encrypted.pdf
# A "scanned" PDF: a page whose text is only an image, so it has no text layer.
chrome --screenshot="$PWD/scan.png" --window-size=800,400 "file://$PWD/essay.html"
python3 - <<'PY'
import base64
png = base64.b64encode(open("scan.png", "rb").read()).decode()
open("scan.html", "w").write(f'<!doctype html><html><body><img src="data:image/png;base64,{png}" width="700"></body></html>')
PY
chrome --print-to-pdf="$PWD/scanned.pdf" "file://$PWD/scan.html"
rm -f scan.png scan.html
