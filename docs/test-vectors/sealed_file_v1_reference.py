#!/usr/bin/env python3
"""Reference for Greenmark sealed files (docs/secrets-at-rest.md), with `cryptography` (AES-GCM).
Independent of the Swift code.

    master_key_id = "mk-" + hex(SHA-256("greenmark/master-key-id/v1" || 0x00 || K)[:8])
    aad           = "greenmark-sealed-v1" || 0x00 || purpose || 0x00 || master_key_id
    C || T        = AES-256-GCM(K, nonce, plaintext, aad)
    envelope      = {"alg":"A256GCM","ciphertext":B64URL(C||T),"format":"greenmark-sealed-v1",
                     "master_key_id":ID,"nonce":B64URL(nonce),"purpose":PURPOSE} + "\\n"

Writes docs/test-vectors/sealed-file-v1.json:  python3 docs/test-vectors/sealed_file_v1_reference.py
Opens a sealed file:                             python3 docs/test-vectors/sealed_file_v1_reference.py open KEYFILE PURPOSE FILE
"""
import base64
import hashlib
import json
import os
import sys

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

FORMAT = "greenmark-sealed-v1"


def b64url(raw):
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def unb64url(text):
    if "=" in text:
        raise ValueError("padding is not allowed")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def master_key_id(key):
    return "mk-" + hashlib.sha256(b"greenmark/master-key-id/v1\x00" + key).digest()[:8].hex()


def aad(purpose, key_id):
    return FORMAT.encode() + b"\x00" + purpose.encode() + b"\x00" + key_id.encode()


def seal(key, nonce, purpose, plaintext):
    key_id = master_key_id(key)
    sealed = AESGCM(key).encrypt(nonce, plaintext, aad(purpose, key_id))
    envelope = {"alg": "A256GCM", "ciphertext": b64url(sealed), "format": FORMAT,
                "master_key_id": key_id, "nonce": b64url(nonce), "purpose": purpose}
    return (json.dumps(envelope, sort_keys=True, separators=(",", ":")) + "\n").encode()


def open_sealed(key, purpose, data):
    envelope = json.loads(data)
    if envelope["format"] != FORMAT or envelope["alg"] != "A256GCM":
        raise ValueError("not a greenmark-sealed-v1 envelope")
    if envelope["purpose"] != purpose:
        raise ValueError("sealed for another purpose")
    if envelope["master_key_id"] != master_key_id(key):
        raise ValueError("sealed under another master key")
    return AESGCM(key).decrypt(unb64url(envelope["nonce"]), unb64url(envelope["ciphertext"]),
                               aad(purpose, envelope["master_key_id"]))


def main():
    if len(sys.argv) == 5 and sys.argv[1] == "open":
        with open(sys.argv[2]) as f:
            key = unb64url(f.read().strip())
        with open(sys.argv[4], "rb") as f:
            sys.stdout.buffer.write(open_sealed(key, sys.argv[3], f.read()))
        return
    cases = [
        (bytes(range(32)), bytes(range(12)), "keyring", b'{"greenmark":"sealed-file test vector"}\n'),
        (bytes(range(32)), bytes([0xFF] * 12), "signing", b""),
        (hashlib.sha256(b"greenmark master key 2").digest(), bytes.fromhex("cafebabefacedbaddecaf888"), "log-key",
         b'{"seed":"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8","version":1}'),
    ]
    vectors = []
    for key, nonce, purpose, plaintext in cases:
        envelope = seal(key, nonce, purpose, plaintext)
        assert open_sealed(key, purpose, envelope) == plaintext
        vectors.append({"master_key_b64url": b64url(key), "master_key_id": master_key_id(key), "nonce_hex": nonce.hex(),
                        "purpose": purpose, "plaintext_hex": plaintext.hex(), "envelope": envelope.decode()})
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "sealed-file-v1.json"), "w") as f:
        json.dump(vectors, f, indent=2)
        f.write("\n")
    print(f"wrote {len(vectors)} sealed-file vectors")


if __name__ == "__main__":
    main()
