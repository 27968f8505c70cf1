#!/usr/bin/env python3
"""Independent reference implementation of Greenmark PRF v1 (docs/prf.md), in plain Python.

Regenerates docs/test-vectors/prf-v1.json and docs/test-vectors/key-id-v1.json:

    python3 docs/test-vectors/prf_v1_reference.py

It uses only the standard library (hmac, hashlib), never the Swift code, so the vectors check the
Swift implementation against a second implementation of the spec.
"""
import hashlib
import hmac
import json
import math
import os
import struct

LABEL = b"greenmark/prf/v1\x00"
KEY_ID_LABEL = b"greenmark/key-id/v1"


def message(h, context, token):
    assert len(context) == h
    return LABEL + struct.pack(">I", h) + b"".join(struct.pack(">I", c) for c in context) + struct.pack(">I", token)


def threshold(gamma):
    return math.floor(gamma * 2**32)


def vector(key, gamma, h, context, token):
    mac = hmac.new(key, message(h, context, token), hashlib.sha256).digest()
    prefix = int.from_bytes(mac[:4], "big")
    return {
        "key_hex": key.hex(),
        "gamma": gamma,
        "h": h,
        "context": list(context),
        "token": token,
        "mac_prefix_hex": mac[:4].hex(),
        "threshold": threshold(gamma),
        "green": prefix < threshold(gamma),
    }


def key_id(key):
    return "wk-" + hmac.new(key, KEY_ID_LABEL, hashlib.sha256).digest()[:8].hex()


def main():
    keys = [
        bytes(32),                                      # all zeros
        bytes(range(32)),                               # 00 01 .. 1f
        bytes([0xFF] * 32),                             # all ones
        hashlib.sha256(b"greenmark test key 3").digest(),
    ]
    M = 2**32 - 1
    cases = [
        # (key index, gamma, h, context, token)
        (0, 0.25, 1, [0], 0),
        (0, 0.25, 1, [1], 1),
        (1, 0.25, 1, [100], 200),
        (1, 0.25, 1, [49151], 49151),
        (1, 0.1, 1, [17], 42),
        (1, 0.5, 1, [17], 42),
        (2, 0.25, 1, [M], M),
        (2, 0.1, 1, [M - 1], 0),
        (2, 0.5, 1, [0], M),
        (3, 0.25, 1, [1234], 5678),
        (3, 0.1, 1, [4242], 2),
        (3, 0.5, 1, [31337], 48000),
        (0, 0.25, 4, [0, 0, 0, 0], 0),
        (1, 0.25, 4, [1, 2, 3, 4], 5),
        (1, 0.1, 4, [49151, 0, 49151, 0], 12345),
        (1, 0.5, 4, [10, 20, 30, 40], 50),
        (2, 0.25, 4, [M, M, M, M], M),
        (2, 0.5, 4, [M - 3, M - 2, M - 1, M], 0),
        (3, 0.1, 4, [7, 11, 13, 17], 19),
        (3, 0.25, 4, [100, 200, 300, 400], 500),
        (0, 0.5, 4, [1, 1, 1, 1], 1),
        (3, 0.25, 2, [321, 654], 987),
    ]
    vectors = [vector(keys[k], g, h, c, t) for (k, g, h, c, t) in cases]
    # Make sure both outcomes occur at every gamma, adding searched cases where chance did not.
    for g in (0.1, 0.25, 0.5):
        for want in (True, False):
            if not any(v["gamma"] == g and v["green"] == want for v in vectors):
                t = 0
                while vector(keys[3], g, 1, [7], t)["green"] != want:
                    t += 1
                vectors.append(vector(keys[3], g, 1, [7], t))
    here = os.path.dirname(os.path.abspath(__file__))
    with open(os.path.join(here, "prf-v1.json"), "w") as f:
        json.dump(vectors, f, indent=2)
        f.write("\n")
    ids = [{"key_hex": k.hex(), "key_id": key_id(k)} for k in keys]
    with open(os.path.join(here, "key-id-v1.json"), "w") as f:
        json.dump(ids, f, indent=2)
        f.write("\n")
    print(f"wrote {len(vectors)} PRF vectors and {len(ids)} key-id vectors")


if __name__ == "__main__":
    main()
