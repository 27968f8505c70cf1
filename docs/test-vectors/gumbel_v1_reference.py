#!/usr/bin/env python3
"""Independent reference implementation of Greenmark gumbel-v1 (docs/prf.md, section "gumbel-v1").

Regenerates docs/test-vectors/gumbel-v1.json:

    python3 docs/test-vectors/gumbel_v1_reference.py

It uses hmac/hashlib, the `cryptography` package (AES-256-CTR) and `mpmath` (the exact Gamma tail),
never the Swift code, so the vectors check the Swift implementation against a second implementation.
"""
import hashlib
import hmac
import json
import os
import struct
from decimal import Decimal, getcontext

import mpmath
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

LABEL = b"greenmark/prf/gumbel-v1\x00"
U32_MAX = 2**32 - 1


def stream_key(key, h, context):
    assert len(context) == h
    msg = LABEL + struct.pack(">I", h) + b"".join(struct.pack(">I", c) for c in context)
    return hmac.new(key, msg, hashlib.sha256).digest()


def keystream(skey, first_block, nbytes):
    """AES-256-CTR keystream starting at 128-bit big-endian counter block `first_block`."""
    enc = Cipher(algorithms.AES(skey), modes.CTR(first_block.to_bytes(16, "big"))).encryptor()
    return enc.update(bytes(nbytes)) + enc.finalize()


def uniform_bits(skey, token):
    """Seek: the block floor(token/2), the half token % 2; u = the top 53 bits of those 8 bytes."""
    block = keystream(skey, token >> 1, 16)
    half = block[8 * (token & 1) : 8 * (token & 1) + 8]
    return int.from_bytes(half, "big") >> 11


def exact_r(u):
    getcontext().prec = 80
    return Decimal(2 * u + 1) / Decimal(2**54)  # (u + 0.5) / 2^53, a finite decimal


def score(u):
    mpmath.mp.dps = 50
    return -mpmath.log(1 - mpmath.mpf(2 * u + 1) / mpmath.mpf(2) ** 54)


def r_vector(key, h, context, token):
    skey = stream_key(key, h, context)
    u = uniform_bits(skey, token)
    # Self-check: the one-pass stream from counter 0 gives the same bits as the seek.
    if token < 4096:
        whole = keystream(skey, 0, 8 * (token + 1))
        assert int.from_bytes(whole[8 * token : 8 * token + 8], "big") >> 11 == u
    return {
        "key_hex": key.hex(),
        "h": h,
        "context": list(context),
        "token": token,
        "stream_key_hex": skey.hex(),
        "u_hex": format(u, "014x"),
        "r": format(exact_r(u), "f"),
        "score": mpmath.nstr(score(u), 20, min_fixed=-30, max_fixed=30),
    }


def gamma_case(t, s):
    mpmath.mp.dps = 60
    q = mpmath.gammainc(t, s, mpmath.inf, regularized=True)
    # Integer T: Q(T, S) = e^-S * sum_{k<T} S^k / k!, an independent second computation.
    mpmath.mp.dps = 60
    direct = mpmath.exp(-mpmath.mpf(s)) * mpmath.fsum(mpmath.mpf(s) ** k / mpmath.factorial(k) for k in range(t))
    assert abs(q - direct) <= mpmath.mpf(10) ** -40 * abs(q)
    log10p = mpmath.log10(q)
    p = float(q)
    return {"T": t, "S": s, "log10_p": mpmath.nstr(log10p, 20, min_fixed=-30, max_fixed=30), "p": p}


KEYS = [
    bytes(32),
    bytes(range(32)),
    b"\xff" * 32,
    hashlib.sha256(b"greenmark gumbel-v1 vector key").digest(),
]

CASES = [
    (0, 1, [0], 0),
    (0, 1, [0], 1),
    (0, 1, [1], 2),
    (0, 4, [1, 2, 3, 4], 3),
    (1, 1, [U32_MAX], 0),
    (1, 2, [17, 42], 49151),
    (1, 4, [0, 0, 0, 0], 49152),
    (1, 4, [U32_MAX, 0, U32_MAX, 1], U32_MAX),
    (2, 1, [7], U32_MAX - 1),
    (2, 2, [U32_MAX, U32_MAX], 128000),
    (2, 4, [100, 200, 300, 400], 5),
    (2, 8, [1, 2, 3, 4, 5, 6, 7, 8], 31999),
    (3, 1, [262], 1000),
    (3, 2, [262, 1000], 1001),
    (3, 4, [9906, 374, 264, 1296], 3363),
    (3, 4, [9906, 374, 264, 1296], 3364),
    (3, 4, [374, 9906, 264, 1296], 3363),
    (3, 8, [0, 1, 2, 3, U32_MAX, U32_MAX - 1, U32_MAX - 2, U32_MAX - 3], 2**31),
    (0, 4, [5, 5, 5, 5], 4095),
    (1, 1, [0], 2**31 - 1),
    (2, 1, [0], 65535),
    (3, 1, [0], 65536),
]

GAMMA = [
    (1, 0.5), (1, 50.0), (1, 745.5), (2, 0.001), (3, 0.25), (5, 1.0), (10, 10.0), (10, 30.0),
    (10, 700.0), (10, 750.0), (20, 1000.0), (50, 120.0), (100, 100.0), (100, 150.0), (200, 200.0),
    (200, 350.0), (200, 900.0), (200, 1500.0), (1000, 1100.0), (5000, 5200.0), (5000, 6500.0),
    (20000, 20500.0), (50, 2000.0), (400, 401.5),
]


def score_tokens(key, h, ids):
    """Detection from text alone: each distinct (h-gram context, token) once; S = sum of -ln(1 - r);
    p = Q(T, S). Returns (S, T, the positions scored, p as an mpf)."""
    mpmath.mp.dps = 50
    seen = set()
    total = mpmath.mpf(0)
    scored = []
    for i in range(h, len(ids)):
        gram = tuple(ids[i - h : i + 1])
        if gram in seen:
            continue
        seen.add(gram)
        total += score(uniform_bits(stream_key(key, h, ids[i - h : i]), ids[i]))
        scored.append(i)
    t = len(scored)
    q = mpmath.gammainc(t, total, mpmath.inf, regularized=True) if t > 0 else mpmath.mpf(1)
    return total, t, scored, q


def biased_ids(key, h, n, candidates, rng):
    """A stand-in for watermarked text: at each step, of `candidates` random tokens the one with the
    largest r after the current context (Gumbel-max with equal probabilities)."""
    ids = [rng.randrange(49152) for _ in range(h)]
    while len(ids) < n:
        skey = stream_key(key, h, ids[-h:])
        pool = [rng.randrange(49152) for _ in range(candidates)]
        ids.append(max(pool, key=lambda v: uniform_bits(skey, v)))
    return ids


def detection_case(key_index, h, ids, note):
    s, t, scored, q = score_tokens(KEYS[key_index], h, ids)
    return {
        "note": note,
        "key_hex": KEYS[key_index].hex(),
        "h": h,
        "ids": ids,
        "T": t,
        "scored_positions": scored,
        "S": mpmath.nstr(s, 20, min_fixed=-30, max_fixed=30),
        "p": float(q),
        "log10_p": mpmath.nstr(mpmath.log10(q), 20, min_fixed=-30, max_fixed=30) if q > 0 else "-inf",
    }


def detection_cases():
    import random

    rng = random.Random(20261201)
    plain = [rng.randrange(49152) for _ in range(60)]
    repeated = plain[:20] + plain[5:15] + plain[20:40]  # a repeated 10-gram: its inner 5-grams are skipped
    looped = [7, 8, 9] * 12 + [10]
    return [
        detection_case(3, 4, plain, "60 random ids, h 4: a null text"),
        detection_case(3, 4, repeated, "random ids with a repeated 10-token run, h 4: repeats skipped"),
        detection_case(1, 1, looped, "a 3-token loop, h 1: only the first 3 bigrams and the last count"),
        detection_case(0, 4, [1, 2, 3, 4], "no token has a full context: T = 0, p = 1"),
        detection_case(3, 4, biased_ids(KEYS[3], 4, 200, 8, rng), "200 ids, best r of 8 random candidates each: far tail"),
        detection_case(2, 2, biased_ids(KEYS[2], 2, 120, 2, rng), "120 ids, best r of 2 candidates each, h 2"),
        detection_case(3, 4, biased_ids(KEYS[0], 4, 150, 8, rng), "biased under another key: a null text for this one"),
    ]


def main():
    out = {
        "r_vectors": [r_vector(KEYS[k], h, ctx, tok) for k, h, ctx, tok in CASES],
        "gamma_tail": [gamma_case(t, s) for t, s in GAMMA],
        "detection": detection_cases(),
    }
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "gumbel-v1.json")
    with open(path, "w") as f:
        json.dump(out, f, indent=2)
        f.write("\n")
    print(
        f"wrote {path}: {len(out['r_vectors'])} r vectors, {len(out['gamma_tail'])} gamma-tail cases, "
        f"{len(out['detection'])} detection cases"
    )


if __name__ == "__main__":
    main()
