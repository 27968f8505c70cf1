"""Low-level decoders of docs/certificate-format.md: canonical base64url, the JSON profile, the
time form, key ids and Ed25519. Every check is an explicit `if` (no `assert`: correct under -O)."""

from __future__ import annotations

import base64
import binascii
import hashlib
import itertools
import json
import operator
import re
from datetime import datetime, timezone

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey


class DecodeError(ValueError):
    """Input that does not follow the format (the caller turns it into its stage's code)."""


# ---- base64url (RFC 4648 §5, no padding, canonical) ----------------------------------------------

_B64URL = re.compile(r"[A-Za-z0-9_-]*", re.ASCII)


def b64url_decode(value: object) -> bytes:
    """Decodes canonical unpadded base64url: no padding, only A-Z a-z 0-9 - _, length not 1 mod 4,
    zero unused trailing bits. Raises DecodeError otherwise."""
    if type(value) is not str:
        raise DecodeError("not a string")
    if _B64URL.fullmatch(value) is None:
        raise DecodeError("not base64url (padding or a character outside A-Z a-z 0-9 - _)")
    if len(value) % 4 == 1:
        raise DecodeError("base64url length is 1 mod 4")
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (binascii.Error, ValueError) as error:
        raise DecodeError(f"not base64url: {error}") from None
    if b64url_encode(raw) != value:
        raise DecodeError("base64url with non-zero unused trailing bits")
    return raw


def b64url_encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


# ---- the JSON profile -----------------------------------------------------------------------------

MAX_SAFE = 2**53  # integers must have a magnitude below this
# Arrays and objects nest at most 32 deep, the top-level object counting as 1 (JSON profile).
MAX_DEPTH = 32
_CONTROL = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]")
# String literals (escapes skipped) and everything but brackets: what is left is the structure.
_STRINGS = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKETS = re.compile(r"[^\[\]{}]+")
_BRACKET_STEP = bytes.maketrans(b"[{]}", b"\x02\x02\x00\x00")  # depth change + 1
_SURROGATE = re.compile("[\ud800-\udfff]")


def _pairs(pairs):
    names = set()
    for name, _ in pairs:
        if name in names:
            raise DecodeError(f"repeated member name {name!r}")
        names.add(name)
    return dict(pairs)


def _integer(literal: str) -> int:
    value = int(literal, 10)
    if not -MAX_SAFE < value < MAX_SAFE:
        raise DecodeError(f"integer {literal} has a magnitude of 2^53 or more")
    return value


def _no_float(literal: str):
    raise DecodeError(f"number {literal} is not an integer")


def _no_constant(literal: str):
    raise DecodeError(f"{literal} is not JSON")


def _check_depth(text: str) -> None:
    """Refuses nesting deeper than MAX_DEPTH before parsing (so no parser recursion on hostile input).
    Exact for well-formed JSON; on malformed JSON any refusal is right, the parser refuses it too."""
    brackets = _NOT_BRACKETS.sub("", _STRINGS.sub("", text)).encode("ascii").translate(_BRACKET_STEP)
    # Depth after the i-th bracket (from 1) is the sum of its first i steps (+2 / 0) minus i.
    depths = map(operator.sub, itertools.accumulate(brackets), itertools.count(1))
    if max(depths, default=0) > MAX_DEPTH:
        raise DecodeError(f"JSON nested deeper than {MAX_DEPTH} levels (the top-level object is level 1)")


def _check_strings(value: dict) -> None:
    """No string (member name or value) holds a lone surrogate: the text was valid UTF-8, so one can
    only come from a \\u escape that is not half of a high+low pair (iterative: no recursion)."""
    stack = [value]
    while stack:
        node = stack.pop()
        if type(node) is dict:
            for name, child in node.items():
                if _SURROGATE.search(name) is not None:
                    raise DecodeError("a \\u escape leaves a lone surrogate in a member name")
                stack.append(child)
        elif type(node) is list:
            stack.extend(node)
        elif type(node) is str and _SURROGATE.search(node) is not None:
            raise DecodeError("a \\u escape leaves a lone surrogate in a string")


def parse_json(data: bytes) -> dict:
    """Parses one Greenmark JSON document under the profile: UTF-8 without BOM, no control byte
    other than tab/LF/CR, one object at top level, nesting at most 32 deep, no lone surrogate,
    integers only (|n| < 2^53), no repeated names."""
    if type(data) is not bytes:
        data = bytes(data)
    if data.startswith(b"\xef\xbb\xbf"):
        raise DecodeError("UTF-8 byte-order mark")
    control = _CONTROL.search(data)
    if control is not None:
        raise DecodeError(f"control byte 0x{data[control.start()]:02x} at offset {control.start()}")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise DecodeError(f"not UTF-8: {error}") from None
    _check_depth(text)
    try:
        value = json.loads(text, object_pairs_hook=_pairs, parse_int=_integer,
                           parse_float=_no_float, parse_constant=_no_constant)
    except DecodeError:
        raise
    except RecursionError:  # not reached after _check_depth; kept so no input can escape as a crash
        raise DecodeError("JSON nested too deeply") from None
    except ValueError as error:  # json.JSONDecodeError and int() limits
        raise DecodeError(f"not JSON: {error}") from None
    if type(value) is not dict:
        raise DecodeError("top level is not a JSON object")
    _check_strings(value)
    return value


# ---- JSON types (bool is not an integer) ----------------------------------------------------------

def is_str(value: object) -> bool:
    return type(value) is str


def is_int(value: object) -> bool:
    return type(value) is int


def is_obj(value: object) -> bool:
    return type(value) is dict


def is_arr(value: object) -> bool:
    return type(value) is list


# ---- times: exactly YYYY-MM-DDTHH:MM:SSZ -----------------------------------------------------------

_TIME = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})Z", re.ASCII)


def parse_time(value: object) -> datetime:
    if type(value) is not str:
        raise DecodeError("time is not a string")
    match = _TIME.fullmatch(value)
    if match is None or len(value) != 20:
        raise DecodeError(f"time {value!r} is not YYYY-MM-DDTHH:MM:SSZ")
    year, month, day, hour, minute, second = (int(g, 10) for g in match.groups())
    if year < 1:
        raise DecodeError(f"time {value!r}: year 0000")
    try:
        return datetime(year, month, day, hour, minute, second, tzinfo=timezone.utc)
    except ValueError as error:
        raise DecodeError(f"time {value!r}: {error}") from None


def format_time(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


# ---- key ids and Ed25519 ---------------------------------------------------------------------------

def key_id(prefix: str, raw: bytes) -> str:
    return prefix + hashlib.sha256(raw).hexdigest()[:16]


def ed25519_verify(public_raw: bytes, signature: bytes, message: bytes) -> bool:
    """True only when `signature` (64 bytes) is a valid pure-Ed25519 signature of `message` under
    the 32-byte raw public key."""
    if len(public_raw) != 32 or len(signature) != 64:
        return False
    try:
        key = Ed25519PublicKey.from_public_bytes(public_raw)
    except ValueError:
        return False
    try:
        key.verify(signature, message)
    except InvalidSignature:
        return False
    return True
