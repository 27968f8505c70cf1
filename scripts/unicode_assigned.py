#!/usr/bin/env python3
"""Writes the Unicode 14.0 assigned-code-point table that greenmark-text-v1 is pinned to
(docs/certificate-format.md, "Canonical text"): every code point whose General_Category is not
Cn in Unicode 14.0, as inclusive hex ranges. Needs a Python whose unicodedata is 14.0 (3.11).

    python3 scripts/unicode_assigned.py > docs/test-vectors/unicode-14.0-assigned.txt
"""
import sys
import unicodedata

if unicodedata.unidata_version != "14.0.0":
    sys.exit(f"need Unicode 14.0.0 data, this Python has {unicodedata.unidata_version}")
ranges, start = [], None
for cp in range(0x110000):
    assigned = unicodedata.category(chr(cp)) != "Cn"
    if assigned and start is None:
        start = cp
    elif not assigned and start is not None:
        ranges.append((start, cp - 1))
        start = None
if start is not None:
    ranges.append((start, 0x10FFFF))
print("# Code points assigned in Unicode 14.0 (General_Category not Cn), inclusive hex ranges, one per line.")
print("# Written by scripts/unicode_assigned.py; greenmark-text-v1 refuses text with any other code point.")
for a, b in ranges:
    print(f"{a:X}..{b:X}" if a != b else f"{a:X}")
