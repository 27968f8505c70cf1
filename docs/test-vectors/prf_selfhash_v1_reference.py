#!/usr/bin/env python3
"""Independent reference implementation of Greenmark SelfHash v1 (docs/prf.md), in plain Python.

Regenerates docs/test-vectors/prf-selfhash-v1.json:

    python3 docs/test-vectors/prf_selfhash_v1_reference.py

Standard library only (hmac, hashlib); it never calls the Swift code.
"""
import hashlib
import hmac
import json
import math
import os
import struct

RANK_LABEL = b"greenmark/prf/selfhash-v1/rank\x00"
GREEN_LABEL = b"greenmark/prf/selfhash-v1\x00"


def prefix32(key, label, a, b):
    return int.from_bytes(hmac.new(key, label + struct.pack(">II", a, b), hashlib.sha256).digest()[:4], "big")


def anchor(key, context, token):
    """The window member (context ids and the token) with the smallest (rank, id); ranks anchored on token."""
    window = set(context) | {token}
    return min(window, key=lambda x: (prefix32(key, RANK_LABEL, x, token), x))


def vector(key, gamma, context, token):
    threshold = math.floor(gamma * 2**32)
    a = anchor(key, context, token)
    mac = prefix32(key, GREEN_LABEL, a, token)
    return {
        "key_hex": key.hex(),
        "gamma": gamma,
        "h": len(context),
        "context": list(context),
        "token": token,
        "ranks_hex": ["%08x" % prefix32(key, RANK_LABEL, x, token) for x in list(context) + [token]],
        "anchor": a,
        "mac_prefix_hex": "%08x" % mac,
        "threshold": threshold,
        "green": mac < threshold,
    }


def main():
    keys = [
        bytes(32),
        bytes(range(32)),
        bytes([0xFF] * 32),
        hashlib.sha256(b"greenmark test key 3").digest(),
    ]
    M = 2**32 - 1
    cases = [
        (0, 0.25, [0, 0, 0, 0], 0),          # the window is one id: the anchor is the token itself
        (0, 0.25, [1, 2, 3, 4], 5),
        (1, 0.25, [100, 200, 300, 400], 500),
        (1, 0.25, [49151, 0, 49151, 0], 12345),
        (1, 0.1, [10, 20, 30, 40], 50),
        (1, 0.5, [10, 20, 30, 40], 50),
        (2, 0.25, [M, M - 1, M - 2, M - 3], M),
        (2, 0.5, [0, M, 0, M], 7),
        (3, 0.25, [7, 11, 13, 17], 19),
        (3, 0.1, [1234, 5678, 9012, 3456], 7890),
        (3, 0.5, [31337, 48000, 2, 3], 4),
        (3, 0.25, [17], 42),                 # h = 1
        (1, 0.25, [5, 6], 7),                # h = 2
        (0, 0.25, [1, 2, 3, 4, 5, 6, 7, 8], 9),  # h = 8
    ]
    vectors = [vector(keys[k], g, c, t) for (k, g, c, t) in cases]
    # Both outcomes at every gamma, and an anchor that is not the token, searched where chance did not give them.
    for g in (0.1, 0.25, 0.5):
        for want in (True, False):
            if not any(v["gamma"] == g and v["green"] == want for v in vectors):
                t = 0
                while vector(keys[3], g, [7, 8, 9, 10], t)["green"] != want:
                    t += 1
                vectors.append(vector(keys[3], g, [7, 8, 9, 10], t))
    assert any(v["anchor"] != v["token"] for v in vectors) and any(v["anchor"] == v["token"] and len(set(v["context"])) > 1 for v in vectors)
    here = os.path.dirname(os.path.abspath(__file__))
    with open(os.path.join(here, "prf-selfhash-v1.json"), "w") as f:
        json.dump(vectors, f, indent=2)
        f.write("\n")
    print(f"wrote {len(vectors)} SelfHash v1 vectors")


if __name__ == "__main__":
    main()
