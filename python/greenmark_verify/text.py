"""Canonical text `greenmark-text-v1` and the Unicode 14.0 assigned-code-point table shipped with
this package (a copy of docs/test-vectors/unicode-14.0-assigned.txt). Whether a code point is
assigned is decided by that table, never by the running Python's unicodedata version."""

from __future__ import annotations

import bisect
import unicodedata
from functools import lru_cache
from importlib import resources

TABLE_NAME = "unicode-14.0-assigned.txt"
MAX_CODE_POINT = 0x10FFFF


def table_bytes() -> bytes:
    return resources.files("greenmark_verify").joinpath("data", TABLE_NAME).read_bytes()


@lru_cache(maxsize=1)
def assigned_ranges() -> tuple[tuple[int, int], ...]:
    """The inclusive ranges of the table, checked to be sorted, disjoint and within Unicode."""
    ranges: list[tuple[int, int]] = []
    for number, line in enumerate(table_bytes().decode("ascii").splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        first, sep, last = line.partition("..")
        try:
            a = int(first, 16)
            b = int(last, 16) if sep else a
        except ValueError:
            raise RuntimeError(f"{TABLE_NAME} line {number}: {line!r} is not a hex range") from None
        if not 0 <= a <= b <= MAX_CODE_POINT or (ranges and a <= ranges[-1][1] + 1):
            raise RuntimeError(f"{TABLE_NAME} line {number}: range {line!r} out of order or overlapping")
        ranges.append((a, b))
    if not ranges:
        raise RuntimeError(f"{TABLE_NAME} is empty")
    return tuple(ranges)


def is_assigned(code_point: int) -> bool:
    ranges = assigned_ranges()
    index = bisect.bisect_right(ranges, (code_point, MAX_CODE_POINT + 1)) - 1
    return index >= 0 and ranges[index][0] <= code_point <= ranges[index][1]


def first_unassigned(text: str) -> int | None:
    """None when every code point of `text` is assigned in Unicode 14.0; otherwise the index of the
    first occurrence of the lowest unassigned code point. Looks at each distinct character once
    (fast on 64 MiB of text)."""
    if text.isascii():
        return None  # U+0000...U+007F are all assigned
    unassigned = [char for char in set(text) if not is_assigned(ord(char))]
    if not unassigned:
        return None
    return text.index(min(unassigned))


def canonical(text: str) -> bytes:
    """greenmark-text-v1 steps 1-5 (the caller has already checked step 0)."""
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = "\n".join(line.rstrip(" \t") for line in text.split("\n"))
    text = text.strip("\t\n\x0b\x0c\r \xa0\ufeff")
    return text.encode("utf-8")
