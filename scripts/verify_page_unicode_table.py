#!/usr/bin/env python3
"""Writes the Unicode 14.0 assigned-code-point table into certs/verify.html (between the
`BEGIN unicode-14.0-assigned` and `END unicode-14.0-assigned` markers) from
docs/test-vectors/unicode-14.0-assigned.txt, as space-separated inclusive hex ranges "A-B" (or
"A"). Run after changing that file; a test (VerifyPageFileTests) checks that the page's table
equals the file. greenmarkd serves certs/verify.html itself (the VerifyPageResource build plugin
copies it into the server's resources), so nothing else needs regenerating."""
import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parent.parent
PAGE = ROOT / "certs/verify.html"
TABLE = ROOT / "docs/test-vectors/unicode-14.0-assigned.txt"

ranges = []
for line in TABLE.read_text(encoding="ascii").splitlines():
    line = line.strip()
    if not line or line.startswith("#"):
        continue
    first, _, last = line.partition("..")
    a, b = int(first, 16), int(last or first, 16)
    assert a <= b and (not ranges or ranges[-1][1] < a), line
    ranges.append((a, b))
tokens = [f"{a:X}-{b:X}" if a != b else f"{a:X}" for a, b in ranges]
lines, current = [], ""
for t in tokens:
    if current and len(current) + 1 + len(t) > 110:
        lines.append(current)
        current = t
    else:
        current = f"{current} {t}" if current else t
lines.append(current)
table = "  const UNICODE_14_ASSIGNED = `\n" + "\n".join(lines) + "\n`;\n"

html = PAGE.read_text(encoding="utf-8")
pattern = re.compile(r"(  // BEGIN unicode-14\.0-assigned\n).*?(  // END unicode-14\.0-assigned\n)", re.S)
html, n = pattern.subn(lambda m: m.group(1) + table + m.group(2), html)
assert n == 1, "verify.html has no BEGIN/END unicode-14.0-assigned markers"
PAGE.write_text(html, encoding="utf-8")

print(f"{PAGE.relative_to(ROOT)}: {len(ranges)} assigned ranges")
