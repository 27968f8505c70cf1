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

from .encoding import ed25519_verify

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
    return value if type(value) is dict else None


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
    note = e["checkpoint"]
    split = note.find("\n\n")
    if split < 0:
        return [("log.checkpoint.invalid", False, "a signed note has a blank line before its signatures")]
    body = note[:split] + "\n"
    key_id = _h(origin.encode("utf-8") + b"\x0a\x01" + raw)[:4]
    prefix = "\u2014 " + origin + " "
    signed = False
    for line in note[split + 2:].split("\n"):
        if not line.startswith(prefix):
            continue
        blob = _b64(line[len(prefix):])
        if blob is not None and len(blob) == 68 and blob[:4] == key_id and ed25519_verify(raw, blob[4:], body.encode("utf-8")):
            signed = True
    if not signed:
        return [("log.checkpoint.invalid", False, f"no valid signature by {origin}")]
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
