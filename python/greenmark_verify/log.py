"""Transparency-log inclusion (docs/transparency-log.md, "Checking inclusion offline"): the
certificate is leaf `leaf_index` of the tree that a checkpoint signed by the log's key commits to.
RFC 9162 hashing and inclusion proofs, the C2SP signed note; the same checks, codes and order as
`greenmark verify --log-proof` and certs/verify.html. Used for bundles that carry a log proof."""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re

from .encoding import DecodeError, _check_strings, ed25519_verify

_DECIMAL = re.compile(r"0|[1-9][0-9]*", re.ASCII)
_HEX = re.compile(r"(?:[0-9a-fA-F]{2})*", re.ASCII)


def _h(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def _b64(value: object) -> bytes | None:
    if type(value) is not str:
        return None
    try:
        return base64.b64decode(value.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError, ValueError):
        return None


def _object(data: bytes) -> dict | None:
    try:
        value = json.loads(bytes(data).decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None
    if type(value) is not dict:
        return None
    try:  # a \u escape that leaves a lone surrogate: not JSON to Swift's JSONDecoder
        _check_strings(value)
    except DecodeError:
        return None
    return value


MAX_SIGNATURES = 100  # most signature lines a note may have (the Go reference's limit)
_EM_DASH_SPACE = "\u2014 ".encode("utf-8")
_NOTE_CONTROL = re.compile("[\x00-\x09\x0b-\x1f]")  # a control character other than newline
_SURROGATE = re.compile("[\ud800-\udfff]")
# Unicode White_Space (what Swift's `properties.isWhitespace` tests; str.isspace differs).
_WHITE_SPACE = re.compile("[\x09-\x0d\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]")


def _valid_name(name: str) -> bool:
    """A signed-note key name: non-empty, no white space (Unicode White_Space), no `+`."""
    return name != "" and "+" not in name and _WHITE_SPACE.search(name) is None


def _strict_b64(text: str) -> bytes | None:
    """Standard base64 with padding in its one canonical spelling (what encoding gives back), or None."""
    blob = _b64(text)
    return blob if blob is not None and base64.b64encode(blob).decode("ascii") == text else None


def _open_note(note: str, name: str, public_key: bytes) -> tuple[str | None, str]:
    """A C2SP signed note, read as the Swift `SignedNote.parse` and `open` do: the text (the body,
    final newline included) and "" when the note is well formed and `name`'s key signs it, else
    None and why. The whole note is UTF-8 with no control character but newline; the signatures
    follow the *last* blank line, every line after it is `— <name> <base64(key ID || signature)>`
    (name non-empty, no white space or `+`; canonical padded base64 of at least 5 bytes), the
    last one ends in a newline, at most 100 lines. Then, line by line: a line by another key is
    ignored; the first line by the log's (name, key ID) must verify, or the note is rejected
    (later lines by that key are skipped, as in golang.org/x/mod/sumdb/note); at least one verified."""
    if _SURROGATE.search(note) is not None or _NOTE_CONTROL.search(note) is not None:
        return None, "malformed note: not UTF-8 without control characters other than newline"
    data = note.encode("utf-8")
    split = data.rfind(b"\n\n")
    if split < 0 or split + 2 >= len(data) or not data.endswith(b"\n"):
        return None, "malformed note: the text must be followed by a blank line and signature lines"
    signatures = []
    for line in data[split + 2:-1].split(b"\n"):
        if not line.startswith(_EM_DASH_SPACE):
            return None, "malformed note: a line after the blank line is not a signature line"
        rest = line[len(_EM_DASH_SPACE):]
        space = rest.find(b" ")
        if space < 0:
            return None, "malformed note: a signature line needs a key name and a signature"
        signer = rest[:space].decode("utf-8")
        blob = _strict_b64(rest[space + 1:].decode("utf-8"))
        if blob is None or len(blob) < 5 or not _valid_name(signer):
            return None, f"malformed note: the signature of {signer} is not base64 of a key ID and a signature"
        signatures.append((signer, blob[:4], blob[4:]))
        if len(signatures) > MAX_SIGNATURES:
            return None, f"malformed note: more than {MAX_SIGNATURES} signatures"
    text = data[:split + 1]
    key_id = _h(name.encode("utf-8") + b"\x0a\x01" + public_key)[:4]
    verified = False
    for signer, kid, signature in signatures:
        if signer != name or kid != key_id or verified:
            continue  # another key's signature (ignored), or the log's key again (counted once)
        if not ed25519_verify(public_key, signature, text):
            return None, f"invalid signature for key {name}+{key_id.hex()}"
        verified = True
    if not verified:
        return None, "note has no verifiable signatures"
    return text.decode("utf-8"), ""


def verify_inclusion(leaf: bytes, index: int, size: int, proof: list[bytes], root: bytes) -> bool:
    """RFC 9162 section 2.1.3.2."""
    if index < 0 or index >= size:
        return False
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = _h(b"\x01" + p + r)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            r = _h(b"\x01" + r + p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


def leaf_hashes(certificate: bytes) -> list[tuple[int, bytes]]:
    """The certificate's leaf hashes: v2 (its signed parts), then v1 (the file's exact bytes)."""
    out = []
    c = _object(certificate)
    parts = [c.get(n) for n in ("protected", "payload", "signature")] if c is not None else []
    if len(parts) == 3 and all(type(p) is str for p in parts):
        out.append((2, _h(b"\x00" + ("greenmark-log-leaf/v2\n" + ".".join(parts)).encode("utf-8"))))
    out.append((1, _h(b"\x00" + bytes(certificate))))
    return out


def verify_log(certificate: bytes, evidence: bytes, key: bytes) -> list[tuple[str, bool, str]]:
    """The log checks, in order, as (code, passed, detail); the first failure ends them."""
    k = _object(key)
    raw = _b64(k.get("public_key")) if k is not None and type(k.get("origin")) is str else None
    if raw is None or len(raw) != 32:
        return [("log.key.invalid", False, "the log key file is not the JSON of /v1/log/key")]
    origin = k["origin"]
    e = _object(evidence)
    proof = None
    if e is not None and type(e.get("proof")) is list and all(type(p) is str and _HEX.fullmatch(p) for p in e["proof"]):
        proof = [bytes.fromhex(p) for p in e["proof"]]
    if (e is None or proof is None or type(e.get("leaf_index")) is not int or e["leaf_index"] < 0
            or type(e.get("tree_size")) is not int or e["tree_size"] < 0 or type(e.get("checkpoint")) is not str):
        return [("log.evidence.invalid", False, "the inclusion evidence is not the JSON of /v1/log/proof/{id}")]
    origin_error = None if _valid_name(origin) else f"invalid key name {origin!r}"
    body, error = (None, origin_error) if origin_error else _open_note(e["checkpoint"], origin, raw)
    if body is None:
        return [("log.checkpoint.invalid", False, error)]
    lines = body.split("\n")
    size_line = lines[1] if len(lines) > 1 else ""
    root = _b64(lines[2]) if len(lines) > 2 else None
    if len(lines) < 4 or lines[0] == "" or not _DECIMAL.fullmatch(size_line) or len(size_line) > 16 or root is None or len(root) != 32:
        return [("log.checkpoint.invalid", False, "not a checkpoint: origin, decimal size and base64 root lines expected")]
    size = int(size_line)
    checks = [("log.checkpoint.valid", True, f"checkpoint of {size} leaves signed by {origin}")]
    if size != e["tree_size"]:
        return checks + [("log.inclusion.invalid", False, f"the proof is for {e['tree_size']} leaves, the checkpoint has {size}")]
    for version, leaf in leaf_hashes(certificate):
        if verify_inclusion(leaf, e["leaf_index"], e["tree_size"], proof, root):
            return checks + [("log.inclusion.valid", True, f"the certificate is leaf {e['leaf_index']} of {e['tree_size']} (leaf v{version})")]
    return checks + [("log.inclusion.invalid", False, f"the certificate is not leaf {e['leaf_index']} of the signed tree")]
