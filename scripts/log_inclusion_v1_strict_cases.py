#!/usr/bin/env python3
"""The signed-note cases of docs/test-vectors/log-inclusion-v1 (the rules of the Swift
`SignedNote`: c2sp.org/signed-note as golang.org/x/mod/sumdb/note reads it), written beside the
cases of docs/test-vectors/log_inclusion_v1_reference.py and merged into its expected.json
(run it again after that generator, which rewrites expected.json without these cases):

    python3 scripts/log_inclusion_v1_strict_cases.py          # write the cases
    python3 scripts/log_inclusion_v1_strict_cases.py --check  # python/greenmark_verify against every case

Each case is valid.json with another checkpoint. The log key is the published test seed of the
reference generator (0x07 * 32, NOT a secret); other signers use 0x08 * 32. Most cases only
add, remove or rewrite lines of the valid note; the control-character case signs a new body.
"""
import base64, hashlib, json, os, sys
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives import serialization

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DIR = os.path.join(ROOT, "docs", "test-vectors", "log-inclusion-v1")
INVALID = ["log.checkpoint.invalid"]
VALID = ["log.checkpoint.valid", "log.inclusion.valid"]


def read(name):
    with open(os.path.join(DIR, name), encoding="utf-8") as f:
        return json.load(f)


def write(name, obj):
    with open(os.path.join(DIR, name), "w", encoding="utf-8") as f:
        json.dump(obj, f, indent=2, sort_keys=True, ensure_ascii=False)
        f.write("\n")


def raw(key):
    return key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def line(key, name, body):
    kid = hashlib.sha256(name.encode() + b"\x0a\x01" + raw(key)).digest()[:4]
    return f"\u2014 {name} {base64.b64encode(kid + key.sign(body.encode())).decode()}\n"


def cases():
    valid = read("valid.json")
    origin = read("log-key.json")["origin"]
    log_key = Ed25519PrivateKey.from_private_bytes(bytes([0x07]) * 32)
    other = Ed25519PrivateKey.from_private_bytes(bytes([0x08]) * 32)
    note = valid["checkpoint"]
    split = note.rindex("\n\n")
    body, good = note[:split + 1], note[split + 2:]
    assert good == line(log_key, origin, body), "valid.json is not signed by the test seed's key"
    witnesses = lambda n: "".join(line(other, f"witness-{i}", body) for i in range(1, n + 1))
    # The log's signature with its first signature byte flipped (key ID kept): a bad signature by the log key.
    blob = bytearray(base64.b64decode(good.split(" ")[2]))
    blob[4] ^= 0x01
    bad = f"\u2014 {origin} {base64.b64encode(bytes(blob)).decode()}\n"
    # 68 bytes: 92 characters ending "X=", X carrying 4 bits and 2 zero bits; set one of those: same bytes, other spelling.
    b64 = good.split(" ")[2].rstrip("\n")
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    loose = b64[:-2] + alphabet[alphabet.index(b64[-2]) | 1] + "="
    assert loose != b64 and base64.b64decode(loose) == base64.b64decode(b64)
    # A tab in an extension line of the body, signed by the log key: only the control character is wrong.
    tab_body = body + "extension\twith a tab\n"
    notes = {
        "checkpoint-no-final-newline.json": (note[:-1], INVALID),
        "checkpoint-junk-after-signatures.json": (note + "junk\n", INVALID),
        "checkpoint-101-signatures.json": (body + "\n" + good + witnesses(100), INVALID),
        "valid-100-signatures.json": (body + "\n" + good + witnesses(99), VALID),
        "checkpoint-bad-log-signature-before-good.json": (body + "\n" + bad + good, INVALID),
        # Swift (as the Go reference) checks the first line by a key and skips later ones by it.
        "valid-bad-log-signature-after-good.json": (body + "\n" + good + bad, VALID),
        "checkpoint-control-character.json": (tab_body + "\n" + line(log_key, origin, tab_body), INVALID),
        "checkpoint-non-canonical-base64.json": (body + "\n" + f"\u2014 {origin} {loose}\n", INVALID),
    }
    return {name: (dict(valid, checkpoint=n), codes) for name, (n, codes) in notes.items()}


def main():
    if sys.argv[1:] == ["--check"]:
        sys.path.insert(0, os.path.join(ROOT, "python"))
        from greenmark_verify.log import verify_log
        expected = read("expected.json")
        certificate = open(os.path.join(ROOT, expected["certificate"]), "rb").read()
        key = open(os.path.join(DIR, "log-key.json"), "rb").read()
        failures = 0
        for name, codes in sorted(expected["cases"].items()):
            results = verify_log(certificate, open(os.path.join(DIR, name), "rb").read(), key)
            got = [code for code, _, _ in results]
            ok = got == codes and all(p for _, p, _ in results) == name.startswith("valid")
            failures += not ok
            print(("ok  " if ok else "FAIL"), name, got if ok else f"{results} != {codes}")
        print(f"{len(expected['cases']) - failures}/{len(expected['cases'])} cases as expected")
        sys.exit(1 if failures else 0)
    expected = read("expected.json")
    for name, (obj, codes) in cases().items():
        write(name, obj)
        expected["cases"][name] = codes
    write("expected.json", expected)
    print(f"wrote {len(cases())} signed-note cases to {DIR} and expected.json ({len(expected['cases'])} cases)")


if __name__ == "__main__":
    main()
