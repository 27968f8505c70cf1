#!/usr/bin/env python3
"""Independent reference for transparency-log inclusion evidence (docs/transparency-log.md):
RFC 9162 Merkle hashing and inclusion proofs, and a C2SP tlog-checkpoint signed note with
Ed25519, using only hashlib, base64 and the `cryptography` package. Not derived from the Swift code.

Writes docs/test-vectors/log-inclusion-v1/: the example certificate certs/examples/
detection-attestation.json as leaf 5 of a 7-leaf log, the log key (a fixed test seed, public:
never use it for anything), and evidence files, valid and not. Leaf v1 is the certificate file's
bytes; leaf v2 (`valid-leaf-v2.json`, a second 7-leaf log) is
"greenmark-log-leaf/v2\n" || protected "." payload "." signature, which survives re-serializing
the file:

    python3 docs/test-vectors/log_inclusion_v1_reference.py

The Swift verifier (LogInclusionCheck) and the browser verifier (certs/verify.html) are both
tested against these files.
"""
import base64, hashlib, json, os
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives import serialization

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "docs", "test-vectors", "log-inclusion-v1")

def h(b): return hashlib.sha256(b).digest()
def leaf_hash(data): return h(b"\x00" + data)
def node_hash(l, r): return h(b"\x01" + l + r)

def split(n):  # the largest power of two smaller than n
    k = 1
    while k * 2 < n: k *= 2
    return k

def mth(leaves):
    if len(leaves) == 1: return leaves[0]
    k = split(len(leaves))
    return node_hash(mth(leaves[:k]), mth(leaves[k:]))

def path(m, leaves):  # RFC 9162 2.1.3.1 PATH(m, D[n]), bottom-up
    if len(leaves) == 1: return []
    k = split(len(leaves))
    if m < k: return path(m, leaves[:k]) + [mth(leaves[k:])]
    return path(m - k, leaves[k:]) + [mth(leaves[:k])]

seed = bytes([0x07]) * 32          # a published test seed: NOT a secret
key = Ed25519PrivateKey.from_private_bytes(seed)
pub = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
origin = "greenmark/log/" + h(pub)[:8].hex()
key_id = h(origin.encode() + b"\x0a\x01" + pub)[:4]
b64 = lambda b: base64.b64encode(b).decode()

certificate = open(os.path.join(ROOT, "certs", "examples", "detection-attestation.json"), "rb").read()
others = [b"another certificate %d\n" % i for i in range(7)]
entries = others[:5] + [certificate] + others[6:]
leaves = [leaf_hash(e) for e in entries]
index, size = 5, len(leaves)
root = mth(leaves)

def note(size, root, signer=key, name=origin):
    body = f"{name}\n{size}\n{b64(root)}\n"
    sig = signer.sign(body.encode())
    kid = h(name.encode() + b"\x0a\x01" + signer.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw))[:4]
    return body + "\n" + f"\u2014 {name} {b64(kid + sig)}\n"

def leaf_v2_input(cert_bytes):
    c = json.loads(cert_bytes)
    return b"greenmark-log-leaf/v2\n" + f"{c['protected']}.{c['payload']}.{c['signature']}".encode("ascii")

leaves_v2 = [leaf_hash(e) for e in others[:5] + [leaf_v2_input(certificate)] + others[6:]]
root_v2 = mth(leaves_v2)

def evidence(leaf_index=index, tree_size=size, proof=None, checkpoint=None):
    return {"certificate_id": "example", "leaf_index": leaf_index, "tree_size": tree_size,
            "leaf_hash": leaves[index].hex(), "proof": [p.hex() for p in (proof if proof is not None else path(index, leaves))],
            "checkpoint": checkpoint if checkpoint is not None else note(size, root)}

os.makedirs(OUT, exist_ok=True)
def write(name, obj):
    with open(os.path.join(OUT, name), "w") as f:
        json.dump(obj, f, indent=2, sort_keys=True, ensure_ascii=False); f.write("\n")

write("log-key.json", {"origin": origin, "public_key": b64(pub),
                       "verifier_key": f"{origin}+{key_id.hex()}+{b64(bytes([1]) + pub)}"})
other_signer = Ed25519PrivateKey.from_private_bytes(bytes([0x08]) * 32)
cases = {
    "valid.json": (evidence(), ["log.checkpoint.valid", "log.inclusion.valid"]),
    "wrong-leaf-index.json": (evidence(leaf_index=4), ["log.checkpoint.valid", "log.inclusion.invalid"]),
    "size-mismatch.json": (evidence(tree_size=8), ["log.checkpoint.valid", "log.inclusion.invalid"]),
    "tampered-proof.json": (evidence(proof=[bytes(32)] + path(index, leaves)[1:]), ["log.checkpoint.valid", "log.inclusion.invalid"]),
    "checkpoint-other-root.json": (evidence(checkpoint=note(size, h(b"x"))), ["log.checkpoint.valid", "log.inclusion.invalid"]),
    "checkpoint-signed-by-another-key.json": (evidence(checkpoint=note(size, root, signer=other_signer)), ["log.checkpoint.invalid"]),
    "checkpoint-body-edited.json": (evidence(checkpoint=note(size, root).replace(f"\n{size}\n", f"\n{size + 1}\n", 1)), ["log.checkpoint.invalid"]),
    "not-evidence.json": ({"leaf_index": "five"}, ["log.evidence.invalid"]),
    "valid-leaf-v2.json": ({"certificate_id": "example", "leaf_index": index, "tree_size": size, "leaf_hash": leaves_v2[index].hex(),
                            "proof": [p.hex() for p in path(index, leaves_v2)], "checkpoint": note(size, root_v2)},
                           ["log.checkpoint.valid", "log.inclusion.valid"]),
}
expected = {}
for name, (obj, codes) in cases.items():
    write(name, obj)
    expected[name] = codes
write("expected.json", {"certificate": "certs/examples/detection-attestation.json", "leaf_index": index,
                        "tree_size": size, "root": root.hex(), "cases": expected})
print(f"wrote {len(cases)} evidence files, the log key and expected.json to {OUT}")
