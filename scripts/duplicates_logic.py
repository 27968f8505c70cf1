#!/usr/bin/env python3
"""Splits `duplicates` pairs into declarations and real logic (issue #19's "halved in real logic").

Usage: duplicates --repo Sources --most 200 --seconds 120 > dups.txt
       python3 scripts/duplicates_logic.py dups.txt [--root Sources] [--list]

`duplicates` pairs runs of six or more lines of the same shape. Most pairs in a Swift package
of value types are declarations that share a shape and nothing else: enum cases with their raw
strings, stored properties, CodingKeys, argument-parser options, Codable member lists, canonical
JSON member writes, data tables. Those cannot be shared without making the code worse. This
script reads both sides of every pair (the first run the tool names) and calls a side
declarative when at least 85 % of its non-blank lines match one of the DECLARATIVE patterns
below; a pair is "logic" unless both sides are declarative. The rules are plain regular
expressions, so anyone can re-run and audit the split.
"""

import re
import sys

DECLARATIVE = [
    r"^$",
    r"^(//|///|/\*|\*)",
    r"^[\]\)\}]+[,;]?$",
    r"^\{$",
    r"^(public |private |fileprivate |internal )?(static )?(let|var) \w+(: [^=]+)?$",
    r"^(public |private |fileprivate |internal )?(static )?let \w+(: [^=]+)? = [^{]*$",
    r"^(public |private |fileprivate |internal )?(indirect )?case [\w\s,`]+(\(.*\))?( = .*)?$",
    r"^(public |private |fileprivate |internal )?(struct|enum|extension|protocol|final class|class|actor) .*\{$",
    r"^(public |private )?enum CodingKeys: String, CodingKey \{$",
    r"^@(Option|Flag|Argument|OptionGroup)\b.*$",
    r"^(name|help|valueName|abstract|commandName|discussion|subcommands|defaultSubcommand):",
    r"^(help: )?ArgumentHelp\($",
    r"^\"[^\"]*\",?\)*$",
    r"^static let configuration = CommandConfiguration\(.*$",
    r"^(try )?c\.encode(IfPresent)?\(.*forKey: \.\w+\)$",
    r"^(self\.)?\w+ = try c\.decode(IfPresent)?\(.*forKey: \.\w+\)$",
    r"^(var|let) c = (try )?(en|de)coder\.container\(keyedBy: CodingKeys\.self\)$",
    r"^try common\.encode\(to: encoder\)$",
    r"^(public )?func encode\(to encoder: any Encoder\) throws \{$",
    r"^(public )?init\(from decoder: any Decoder\) throws \{$",
    r"^w\.(key|string|integer|bool|beginObject|endObject|beginArray|endArray)\(.*\)$",
    r"^self\.\w+ = [\w.]+$",
    r"^case \.\w+(, \.\w+)*: (\"[^\"]*\"|\d+|\.\w+|nil|true|false)$",
    r"^switch self \{$",
    r"^(public |package )?(static )?var \w+: [\w.]+ \{$",
    r"^(let|var) \w+ = (JSONEncoder|JSONDecoder)\(\)$",
    r"^\w+\.\w+ = [\[\]\.\w, ]+$",
    r"^return \w+$",
    r"^\(self\.\w+(, self\.\w+)*\) = \(\w+(, \w+)*\)$",
    r"^(public )?init\([^)]*\) \{$",
    r"^[0-9A-F;=\\]+$",
    r"^#(if|elseif|else|endif)\b.*$",
    r"^import \w+$",
]
PATTERNS = [re.compile(p) for p in DECLARATIVE]
ROW = re.compile(r"^(D\d+) (\S+):(\d+)-(\d+) ~ (\S+):(\d+)-(\d+)")


def declarative(root, path, first, last):
    with open(f"{root}/{path}", encoding="utf-8") as f:
        lines = f.read().split("\n")[first - 1 : last]
    body = [l.strip() for l in lines if l.strip()]
    if not body:
        return True
    hits = sum(1 for l in body if any(p.match(l) for p in PATTERNS))
    return hits / len(body) >= 0.85


def main():
    args = sys.argv[1:]
    root = "Sources"
    if "--root" in args:
        root = args[args.index("--root") + 1]
    listing = "--list" in args
    rows = [ROW.match(l) for l in open(args[0], encoding="utf-8")]
    rows = [r for r in rows if r]
    logic = []
    for r in rows:
        d, f1, a1, b1, f2, a2, b2 = r.groups()
        if not (declarative(root, f1, int(a1), int(b1)) and declarative(root, f2, int(a2), int(b2))):
            logic.append(r.group(0))
    print(f"{len(rows)} pairs: {len(rows) - len(logic)} declarations only, {len(logic)} with logic")
    if listing:
        for l in logic:
            print("  " + l)


if __name__ == "__main__":
    main()
