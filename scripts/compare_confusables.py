#!/usr/bin/env python3
"""Compare the normalizer's confusables table with Unicode 17 (UTS #39) and print the findings.

Reads the table Greenmark ships (the encoded string in
Sources/GreenmarkCore/Normalization/ConfusablesTable.swift, and the Unicode 13 data file it was
generated from) and the published Unicode 17 files in ../shared/external-vectors/uts39-confusables
(never copied into this repository). Applies the generator's own filter (scripts/gen_confusables.py:
one non-ASCII source code point, a prototype of printable ASCII) to both versions and reports what
differs: mappings Unicode 17 adds, mappings it drops, mappings whose prototype changed; then the
Unicode 17 Default_Ignorable_Code_Point set against the table (the normalizer removes ignorables
before mapping, so an ignorable with a prototype is never mapped). What the running normalizer
does with every one of these code points is measured by Tests/GreenmarkCoreTests/
Unicode17NormalizationTests.swift; docs/results/confusables-unicode17.md reports both.

Usage: python3 scripts/compare_confusables.py [--markdown]
"""
import hashlib
import pathlib
import re
import sys
import unicodedata  # names of code points the data file does not name

ROOT = pathlib.Path(__file__).resolve().parent.parent
TABLE = ROOT / "Sources/GreenmarkCore/Normalization/ConfusablesTable.swift"
DATA13 = ROOT / "Sources/GreenmarkCore/Normalization/Data/confusables.txt"
EXTERNAL = ROOT.parent / "shared/external-vectors/uts39-confusables"
DATA17 = EXTERNAL / "confusables.txt"
IGNORABLE17 = EXTERNAL / "DerivedCoreProperties-17.0.0-Default_Ignorable_Code_Point.txt"


NAMES = {}


def all_mappings(path):
    """Every single-source mapping of a confusables.txt: {source: prototype code points}.

    Also records each source's character name from the line's comment (`# ( x → y ) NAME → …`).
    """
    table = {}
    for line in path.read_text(encoding="utf-8-sig").splitlines():
        line, _, comment = line.partition("#")
        line = line.strip()
        if not line:
            continue
        m = re.search(r"\) (.+?) →", comment)
        if m:
            NAMES.setdefault(int(line.split(";")[0].split()[0], 16), m.group(1))
        source, target, _ = (field.strip() for field in line.split(";"))
        source = [int(x, 16) for x in source.split()]
        if len(source) == 1:
            table[source[0]] = tuple(int(x, 16) for x in target.split())
    return table


def ascii_subset(table):
    """gen_confusables.py's filter: non-ASCII source, printable-ASCII prototype."""
    return {s: t for s, t in table.items() if s >= 0x80 and all(0x20 <= c < 0x7F for c in t)}


def shipped_table():
    """The table compiled into the normalizer, decoded from ConfusablesTable.swift."""
    text = TABLE.read_text(encoding="utf-8")
    encoded = text.split('"""', 2)[1].replace("\\\n", "").strip()
    table = {}
    for entry in encoded.split(";"):
        source, target = entry.split("=")
        table[int(source, 16)] = tuple(int(target[i:i + 2], 16) for i in range(0, len(target), 2))
    return table


def ignorables(path):
    points = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        m = re.match(r"([0-9A-F]+)(?:\.\.([0-9A-F]+))?\s*;\s*Default_Ignorable_Code_Point", line)
        if m:
            first = int(m.group(1), 16)
            points.update(range(first, int(m.group(2) or m.group(1), 16) + 1))
    return points


def version(path):
    m = re.search(r"Version: ([0-9.]+)", path.read_text(encoding="utf-8-sig")[:2000])
    return m.group(1) if m else "?"


def show(cp, target=None):
    name = NAMES.get(cp) or unicodedata.name(chr(cp), "?")
    text = "U+%04X %s" % (cp, name)
    if target is not None:
        text += " → `%s`" % "".join(chr(c) for c in target).replace("`", "\\`")
    return text


def main():
    if not DATA17.exists():
        sys.exit("needs %s (the published Unicode 17 data; never copied here)" % DATA17)
    all17 = all_mappings(DATA17)
    shipped, old, new = shipped_table(), ascii_subset(all_mappings(DATA13)), ascii_subset(all17)
    ignorable = ignorables(IGNORABLE17)
    added = sorted(set(new) - set(shipped))
    dropped = sorted(set(shipped) - set(new))
    changed = sorted(s for s in set(new) & set(shipped) if new[s] != shipped[s])
    # Unicode 17 mappings the filter leaves out because the prototype is not ASCII.
    non_ascii = sum(1 for s, t in all17.items() if s >= 0x80 and not all(0x20 <= c < 0x7F for c in t))
    ignorable_in_table = sorted(s for s in shipped if s in ignorable)
    ignorable_in_17 = sorted(s for s in all17 if s in ignorable)
    out = [
        "shipped table: %d entries (generated from Unicode %s, SHA-256 %s); equals the generator's filter of that file: %s"
        % (len(shipped), version(DATA13), hashlib.sha256(DATA13.read_bytes()).hexdigest()[:16], shipped == old),
        "Unicode %s confusables.txt: %d single-source mappings, %d with a non-ASCII source and printable-ASCII prototype"
        " (the filter), %d left out for non-ASCII prototypes"
        % (version(DATA17), len(all17), len(new), non_ascii),
        "added since (missing from the table): %d; %d of them characters that Python's Unicode %s already had, %d assigned later"
        % (len(added), sum(1 for c in added if unicodedata.name(chr(c), "")), unicodedata.unidata_version,
           sum(1 for c in added if not unicodedata.name(chr(c), ""))),
        *["  " + show(s, new[s]) for s in added],
        "dropped by Unicode 17 (in the table, no longer ASCII-prototype confusables): %d" % len(dropped),
        *["  " + show(s, shipped[s]) + "; Unicode 17: %s" % (
            "`" + "".join(chr(c) for c in all17[s]) + "` (" + " ".join("U+%04X" % c for c in all17[s]) + ")" if s in all17 else "no mapping")
          for s in dropped],
        "prototype changed: %d" % len(changed),
        *["  " + show(s, shipped[s]) + " now `%s`" % "".join(chr(c) for c in new[s]) for s in changed],
        "Default_Ignorable_Code_Point (Unicode 17): %d code points; in the shipped table: %d; with any Unicode 17 mapping: %d"
        % (len(ignorable), len(ignorable_in_table), len(ignorable_in_17)),
        *["  " + show(s, all17[s]) + " (Unicode 17 mapping of an ignorable: the normalizer removes it first)" for s in ignorable_in_17],
    ]
    print("\n".join(out))


if __name__ == "__main__":
    main()
