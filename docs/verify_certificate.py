#!/usr/bin/env python3
"""Verify a Greenmark certificate from the spec alone (docs/certificate-format.md), with Python's
standard library and `cryptography` (Ed25519). Independent of the Swift code.

    python3 docs/verify_certificate.py CERT.json TEXT.txt ROOT-KEY.json

Pins a bare root key (root-key.json). Exit 0 when valid, 1 when invalid.
"""
import base64, hashlib, json, re, sys, unicodedata
from datetime import datetime, timezone
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.exceptions import InvalidSignature


def b64url(s):
    if "=" in s:
        raise ValueError("padding is not allowed")
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


def no_duplicates(pairs):
    """Rejects repeated member names: parsers disagree on which value wins (the spec forbids them)."""
    names = [name for name, _ in pairs]
    if len(names) != len(set(names)):
        raise ValueError("repeated member name in a JSON object")
    return dict(pairs)


def loads(data):
    return json.loads(data, object_pairs_hook=no_duplicates)


def key_id(prefix, raw):
    return prefix + hashlib.sha256(raw).hexdigest()[:16]


def canonical(text):
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = "\n".join(line.rstrip(" \t") for line in text.split("\n"))
    return text.strip("\t\n\x0b\x0c\r \u00a0\ufeff").encode("utf-8")


def verify_jws(obj, public_raw, typ):
    header = loads(b64url(obj["protected"]))
    if header.get("alg") != "EdDSA" or header.get("typ") != typ or "crit" in header or "b64" in header:
        raise ValueError(f"unacceptable protected header {header}")
    signing_input = (obj["protected"] + "." + obj["payload"]).encode("ascii")
    Ed25519PublicKey.from_public_bytes(public_raw).verify(b64url(obj["signature"]), signing_input)
    return header, loads(b64url(obj["payload"]))


def when(s):
    return datetime.strptime(s, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)


def main(cert_path, text_path, root_path):
    raw = open(cert_path, "rb").read()
    assert len(raw) <= 256 * 1024, "certificate larger than 256 KiB"
    cert = loads(raw.decode("utf-8"))
    root = loads(open(root_path, encoding="utf-8").read())
    root_raw = b64url(root["public_key"])
    assert key_id("grk-", root_raw) == root["key_id"], "root key id does not match its key"

    endorsement = cert["header"]["endorsement"]
    e_header = loads(b64url(endorsement["protected"]))
    assert e_header["kid"] == root["key_id"], "endorsement not by the pinned root"
    _, body = verify_jws(endorsement, root_raw, "application/vnd.greenmark.endorsement+jws")
    issuer_raw = b64url(body["public_key"])
    assert key_id("gik-", issuer_raw) == body["issuer_key_id"], "endorsed key id mismatch"

    header, statement = verify_jws(cert, issuer_raw, "application/vnd.greenmark.certificate+jws")
    assert header["kid"] == body["issuer_key_id"] == statement["predicate"]["issuer_key_id"], "issuer mismatch"
    assert statement["_type"] == "https://in-toto.io/Statement/v1"
    assert statement["predicateType"] in ("https://greenmark.dev/attestation/detection/v1",
                                          "https://greenmark.dev/attestation/generation/v1"), "unknown predicate type"
    predicate = statement["predicate"]
    assert predicate["text_canonicalization"] == "greenmark-text-v1"
    issued = when(predicate["issued_at"])
    assert issued >= when(body["not_before"]), "issued before the key's window"
    if body.get("not_after") is not None:
        assert issued <= when(body["not_after"]), "issued after the key's window"

    digest = hashlib.sha256(canonical(open(text_path, "rb").read().decode("utf-8"))).hexdigest()
    expected = next(s["digest"]["sha256"] for s in statement["subject"] if s["name"] == "text")
    assert re.fullmatch("[0-9a-f]{64}", expected), "the subject digest is not 64 lowercase hex digits"
    assert digest == expected, f"text digest {digest} != {expected}"
    print(f"VALID {statement['predicateType']} {predicate['certificate_id']} issued {predicate['issued_at']} by {header['kid']}")


if __name__ == "__main__":
    if len(sys.argv) != 4:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    try:
        main(*sys.argv[1:])
    except (AssertionError, InvalidSignature, ValueError, KeyError, UnicodeDecodeError) as e:
        print(f"INVALID {type(e).__name__}: {e}")
        sys.exit(1)
